/**
 * The target allotment of an oversubscribed pool: target(q) = min(q, k x q^e) lots for an
 * application of q lots, with e the pool's exponent (offering.pools.exponent) and k the one number
 * that makes the targets add up to the pool size. Increasing and concave in q for e < 1, so small
 * applications get a larger share of what they asked for (docs/ballot.md, "Policy").
 *
 * Computed in Decimal (decimal.js, 40 significant digits), never in floating point, so the
 * result cannot depend on the platform's Math.pow.
 */
import { Decimal } from '../money/money';

/** Applications of one quantity in a pool: q lots applied for, by `count` applications. */
export interface QuantityGroup {
  lots: number;
  count: number;
}

/**
 * Targets (in lots, Decimal) for groups of an oversubscribed pool (sum of count x lots above
 * sizeLots). k is solved exactly, not by bisection: sum(count x min(q, k q^e)) is piecewise linear
 * in k, with a break where each group becomes capped at k = q^(1-e); walking the breaks in order,
 * the first segment that reaches sizeLots gives k = (sizeLots - capped lots) / (uncapped weight).
 */
export function solveTargets(groups: readonly QuantityGroup[], sizeLots: number, exponent: number): Decimal[] {
  const e = new Decimal(String(exponent));
  const weight = groups.map((g) => new Decimal(g.lots).pow(e));
  const breakAt = groups.map((g, i) => new Decimal(g.lots).div(weight[i]!));
  const order = groups.map((_, i) => i).sort((x, y) => breakAt[x]!.cmp(breakAt[y]!) || groups[x]!.lots - groups[y]!.lots);

  let cappedLots = new Decimal(0);
  let uncappedWeight = groups.reduce((sum, g, i) => sum.plus(weight[i]!.times(g.count)), new Decimal(0));
  let k = new Decimal(0);
  for (let c = 0; c < order.length; c++) {
    k = new Decimal(sizeLots).minus(cappedLots).div(uncappedWeight);
    const next = order[c]!;
    if (k.lt(breakAt[next]!)) break;
    // Group `next` is capped at what it applied for from here on.
    cappedLots = cappedLots.plus(groups[next]!.lots * groups[next]!.count);
    uncappedWeight = uncappedWeight.minus(weight[next]!.times(groups[next]!.count));
    if (uncappedWeight.lte(0)) break; // all capped: only when demand <= size, not an oversubscribed pool
  }
  return groups.map((g, i) => Decimal.min(g.lots, k.times(weight[i]!)));
}
