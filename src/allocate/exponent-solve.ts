/**
 * The plan of an oversubscribed pool under the registrar's ballot policy (docs/ballot.md, "The
 * solve"). `{"exponent": e}` plans with e; no policy plans with the offering's default exponent;
 * `{"first_row_pct": p}` plans with the exponent that gives the pool's smallest applied quantity
 * exactly the lots p implies:
 *
 *   L = round half-up (p / 100 x shares applied by that quantity's applications / board lot)
 *
 * The lots the planner gives the smallest quantity fall as the exponent rises (a flatter curve
 * favours small applications), from a flat curve (e near 0: nearly every application the same
 * number of lots) to plain pro rata (e = 1). The exponent is searched on a decimal grid: the
 * largest exponent with four decimals whose plan gives the smallest quantity exactly L lots; a
 * fifth, sixth ... ninth decimal only where no four-decimal exponent lands on L (large books,
 * where one lot of the smallest quantity is a small step of the exponent). Each step is decided
 * on the planner's own whole-lot result, so the solved exponent, fed back as `{"exponent": e}`,
 * gives the same plan to the lot. A percentage the pool cannot give (below pro rata, or above
 * what even the flattest curve gives) is a UsageError naming the range it can.
 */
import type { PoolBallotPolicy } from '../domain/allocation';
import { UsageError } from '../domain/errors';
import type { PoolName } from '../domain/types';
import { Decimal, formatThousands } from '../money/money';
import { planOversubscribedPool, type PlanRow } from './ballot-plan';
import type { QuantityGroup } from './target-curve';

/** Exponents are searched with 4 decimals first, refined up to 9 where no 4-decimal one lands. */
const FIRST_DIGITS = 4;
const LAST_DIGITS = 9;

export interface PoolPolicyContext {
  pool: PoolName;
  board_lot: number;
  /** The offering's `pools.exponent[pool]`, used when no policy is given for the pool. */
  default_exponent: number;
}

export interface SolvedPoolPlan {
  exponent: number;
  plan: PlanRow[];
}

/** Lots the plan gives its first (smallest) row, in all. */
export const firstRowLots = (plan: readonly PlanRow[]): number => plan[0]!.base_lots * plan[0]!.count + plan[0]!.winners;

/** The lots a percentage implies for a quantity group, rounded half-up (Decimal). */
export function lotsForPercent(pct: string, group: QuantityGroup): number {
  return new Decimal(pct).times(group.lots).times(group.count).div(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}

/** m x 10^-digits as a number whose shortest text is that decimal (e.g. 5550, 4 -> 0.555). */
const gridExponent = (m: number, digits: number): number => Number(`${m}e-${digits}`);

/** Plans an oversubscribed pool (groups in any order) under the given policy. */
export function planPoolWithPolicy(groups: readonly QuantityGroup[], sizeLots: number, given: PoolBallotPolicy | null, ctx: PoolPolicyContext): SolvedPoolPlan {
  if (given === null) return { exponent: ctx.default_exponent, plan: planOversubscribedPool(groups, sizeLots, ctx.default_exponent) };
  if ('exponent' in given) return { exponent: given.exponent, plan: planOversubscribedPool(groups, sizeLots, given.exponent) };
  return solveFirstRowPct(groups, sizeLots, given.first_row_pct, ctx);
}

function solveFirstRowPct(groups: readonly QuantityGroup[], sizeLots: number, pct: string, ctx: PoolPolicyContext): SolvedPoolPlan {
  const plans = new Map<number, PlanRow[]>();
  const planAt = (e: number): PlanRow[] => {
    let plan = plans.get(e);
    if (plan === undefined) plans.set(e, (plan = planOversubscribedPool(groups, sizeLots, e)));
    return plan;
  };
  const lotsAt = (e: number): number => firstRowLots(planAt(e));
  const first = [...groups].sort((x, y) => x.lots - y.lots)[0]!;
  const wanted = lotsForPercent(pct, first);
  const describe = new FirstRowWords(ctx, first, pct);

  const proRata = lotsAt(1);
  if (wanted === proRata) return { exponent: 1, plan: planAt(1) };
  if (wanted < proRata) throw new UsageError(describe.tooSmall(wanted, proRata));
  const flattest = lotsAt(gridExponent(1, LAST_DIGITS));
  if (wanted > flattest) throw new UsageError(describe.tooLarge(wanted, flattest));

  // Invariant: lots(lo) >= wanted (lo = 0 stands for the flattest curve, checked above) and
  // lots(hi) < wanted, on the grid of `digits` decimals. Refining a digit keeps it (x10 each).
  let lo = 0;
  let hi = 10 ** FIRST_DIGITS;
  for (let digits = FIRST_DIGITS; digits <= LAST_DIGITS; digits++) {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (lotsAt(gridExponent(mid, digits)) >= wanted) lo = mid;
      else hi = mid;
    }
    if (lo > 0 && lotsAt(gridExponent(lo, digits)) === wanted) {
      const exponent = gridExponent(lo, digits);
      return { exponent, plan: planAt(exponent) };
    }
    lo *= 10;
    hi *= 10;
  }
  const more = lotsAt(gridExponent(lo / 10, LAST_DIGITS));
  const fewer = lotsAt(gridExponent(hi / 10, LAST_DIGITS));
  throw new UsageError(describe.unreachable(wanted, fewer, more));
}

/** Four decimals at most, at least two: 54.5000 -> 54.50, 12.1950 -> 12.195. */
function percentText(pct: Decimal): string {
  let text = pct.toFixed(4);
  while (text.endsWith('0') && text.length - text.indexOf('.') > 3) text = text.slice(0, -1);
  return text;
}

/** The words of the solve's refusals: which quantity, what was asked, what the pool can do. */
class FirstRowWords {
  private readonly appliedLots: number;

  constructor(private readonly ctx: PoolPolicyContext, private readonly first: QuantityGroup, private readonly pct: string) {
    this.appliedLots = first.lots * first.count;
  }

  private pctOf(lots: number): string {
    return new Decimal(lots).times(100).div(this.appliedLots).toFixed(2, Decimal.ROUND_HALF_UP);
  }

  private asked(wanted: number): string {
    const shares = formatThousands(this.first.lots * this.ctx.board_lot);
    return `pool ${this.ctx.pool}: first_row_pct ${this.pct} asks ${formatThousands(wanted)} lots for the ${formatThousands(this.first.count)} applications of ${shares} shares (the smallest quantity)`;
  }

  /** The lowest percentage (four decimals) whose lots round to at least `lots`. */
  private lowest(lots: number): string {
    return percentText(new Decimal(lots).minus(0.5).times(100).div(this.appliedLots).toDecimalPlaces(4, Decimal.ROUND_CEIL));
  }

  /** The highest percentage (four decimals) whose lots round to at most `lots`. */
  private highest(lots: number): string {
    const bound = new Decimal(lots).plus(0.5).times(100).div(this.appliedLots);
    let pct = bound.toDecimalPlaces(4, Decimal.ROUND_FLOOR);
    if (pct.eq(bound)) pct = pct.minus('0.0001');
    return percentText(Decimal.min(pct, 100));
  }

  tooSmall(wanted: number, proRata: number): string {
    return `${this.asked(wanted)}, fewer than plain pro rata gives them (${formatThousands(proRata)} lots, ${this.pctOf(proRata)}%); `
      + `the lowest this pool allows is ${this.lowest(proRata)} (or {"exponent": 1})`;
  }

  tooLarge(wanted: number, flattest: number): string {
    return `${this.asked(wanted)}, more than the pool can give them (${formatThousands(flattest)} lots, ${this.pctOf(flattest)}%, with every application getting nearly the same number of lots); `
      + `the highest this pool allows is ${this.highest(flattest)}`;
  }

  unreachable(wanted: number, fewer: number, more: number): string {
    return `${this.asked(wanted)}, but no exponent gives exactly that many: the nearest are ${formatThousands(fewer)} lots (first_row_pct ${this.highest(fewer)}) `
      + `and ${formatThousands(more)} lots (first_row_pct ${this.lowest(more)})`;
  }
}
