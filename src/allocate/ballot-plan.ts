/**
 * The ballot plan of an oversubscribed pool: per applied quantity, the whole lots every applicant
 * gets (`base_lots`) and how many of them win one extra lot (`winners`). The plan fixes how many
 * win; only WHO wins is drawn (ballot.ts). Issue 3, part 5; docs/ballot.md.
 */
import { InvariantError } from '../domain/errors';
import { Decimal } from '../money/money';
import { solveTargets, type QuantityGroup } from './target-curve';

export interface PlanRow extends QuantityGroup {
  /** Lots every applicant of this quantity gets for sure. */
  base_lots: number;
  /** Applicants of this quantity who get one lot more, 0 <= winners < count. */
  winners: number;
}

/** Mean allotment comparison of two rows, exact (BigInt cross-multiplication): <0, 0, >0. */
export function compareMeans(x: PlanRow, y: PlanRow): number {
  const left = (BigInt(x.base_lots) * BigInt(x.count) + BigInt(x.winners)) * BigInt(y.count);
  const right = (BigInt(y.base_lots) * BigInt(y.count) + BigInt(y.winners)) * BigInt(x.count);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Plans an oversubscribed pool of sizeLots lots. groups: one per applied quantity, any order.
 * 1. targets t(q) from the concave curve (target-curve.ts);
 * 2. each applicant of q gets floor(t) lots; the group's remaining expectation count x (t - floor t)
 *    gives floor(...) winners of an extra lot;
 * 3. the lots still unplaced (fewer than the number of groups) go one each to the groups with the
 *    largest leftover fraction, ties to the smaller quantity (largest remainder);
 * 4. a repair pass moves single extra lots from a quantity to the next larger one wherever a mean
 *    would otherwise fall as the quantity rises (rounding only; it always succeeds, see docs).
 * The result places exactly sizeLots lots.
 */
export function planOversubscribedPool(groups: readonly QuantityGroup[], sizeLots: number, exponent: number): PlanRow[] {
  const sorted = [...groups].sort((x, y) => x.lots - y.lots);
  const targets = solveTargets(sorted, sizeLots, exponent);
  const fractions: Decimal[] = [];
  const rows: PlanRow[] = sorted.map((g, i) => {
    const t = targets[i]!;
    const base = t.floor();
    const extra = t.minus(base).times(g.count);
    const winners = extra.floor();
    fractions.push(extra.minus(winners));
    return { lots: g.lots, count: g.count, base_lots: base.toNumber(), winners: winners.toNumber() };
  });

  settleRemainder(rows, fractions, sizeLots);
  repairMonotoneMeans(rows);
  return rows;
}

const placedLots = (rows: readonly PlanRow[]): number => rows.reduce((s, r) => s + r.base_lots * r.count + r.winners, 0);
const canGainWinner = (r: PlanRow): boolean => r.winners < r.count && r.base_lots + 1 <= r.lots;

/** Step 3: largest remainder; also absorbs any last-digit rounding of the Decimal targets. */
function settleRemainder(rows: PlanRow[], fractions: Decimal[], sizeLots: number): void {
  const byFraction = rows.map((_, i) => i).sort((x, y) => fractions[y]!.cmp(fractions[x]!) || rows[x]!.lots - rows[y]!.lots);
  let remainder = sizeLots - placedLots(rows);
  while (remainder > 0) {
    let gave = false;
    for (const i of byFraction) {
      if (remainder === 0) break;
      if (canGainWinner(rows[i]!)) { rows[i]!.winners += 1; remainder -= 1; gave = true; }
    }
    if (!gave) throw new InvariantError(`ballot plan cannot place ${remainder} more lots: pool is not oversubscribed`);
  }
  while (remainder < 0) {
    let took = false;
    for (const i of [...byFraction].reverse()) {
      if (remainder === 0) break;
      if (rows[i]!.winners > 0) { rows[i]!.winners -= 1; remainder += 1; took = true; }
    }
    if (!took) throw new InvariantError('ballot plan placed more lots than the pool holds');
  }
}

/**
 * Step 4. If mean(i) > mean(i+1) the two rows share base_lots (a floor of increasing targets) and
 * row i has a winner to give while row i+1 can take one (fewer winners than applicants, and its
 * quantity exceeds row i's). Lots only ever move to a larger quantity, so the loop ends.
 */
function repairMonotoneMeans(rows: PlanRow[]): void {
  let i = 0;
  while (i + 1 < rows.length) {
    const lower = rows[i]!;
    const upper = rows[i + 1]!;
    if (compareMeans(lower, upper) > 0) {
      if (lower.winners === 0 || !canGainWinner(upper)) throw new InvariantError(`ballot plan cannot keep means monotone at ${lower.lots} lots`);
      lower.winners -= 1;
      upper.winners += 1;
      i = Math.max(0, i - 1);
    } else {
      i += 1;
    }
  }
  for (const r of rows) {
    if (r.winners === r.count && r.count > 0) { r.base_lots += 1; r.winners = 0; }
  }
}
