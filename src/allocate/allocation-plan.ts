/**
 * The allocation without the draw: from the valid demand per applied quantity to the tranche, the
 * pools and every pool's plan (who gets how many lots for sure, how many win one more) under the
 * registrar's ballot policy, and the basis of allocation table. allocate() draws the winners from
 * this plan; `preview` prints it without drawing or writing anything, so the table it shows is the
 * table allocate then writes. Pure.
 */
import type { BallotPolicy, BasisRow, PoolPolicyOutcome, TrancheSizing } from '../domain/allocation';
import { InvariantError } from '../domain/errors';
import type { PoolName } from '../domain/types';
import type { Offering } from '../offering/schema';
import { approxPctAllotted, basisRows } from './basis';
import type { PlanRow } from './ballot-plan';
import { planPoolWithPolicy } from './exponent-solve';
import { poolOf, sizePools, splitTranche } from './pools';
import { checkFinalPrice, sizeTranche } from './sizing';

export const POOLS: readonly PoolName[] = ['A', 'B'];

export interface AllocationPlanInput {
  /** Valid applications per shares applied (shares -> number of applications), any order. */
  quantities: ReadonlyMap<number, number>;
  offering: Offering;
  /** The final offer price as decimal text, within [price.minimum, price.maximum]. */
  finalPrice: string;
  /** Discretionary reallocation to Hong Kong in shares (`--reallocate`); undefined or 0: none. */
  reallocateShares?: number;
  /** `--ballot-policy`; a pool left out (or no policy) keeps the offering's default exponent. */
  ballotPolicy?: BallotPolicy;
}

export interface PoolPlan {
  pool: PoolName;
  size_shares: number;
  demand_shares: number;
  valid_applications: number;
  oversubscribed: boolean;
  /** One row per applied quantity, ascending; for a pool not oversubscribed every row is in full. */
  plan: PlanRow[];
  policy: PoolPolicyOutcome;
}

export interface AllocationPlan {
  sizing: TrancheSizing;
  pools: { A: PoolPlan; B: PoolPlan };
  /** Rows of both pools, pool A first, ascending by shares applied. */
  basis: BasisRow[];
  /** The pool of an applied quantity (decided once per quantity). */
  poolOf: (shares: number) => PoolName;
}

function checkQuantity(shares: number, count: number, lot: number): void {
  if (!Number.isSafeInteger(shares) || shares <= 0 || shares % lot !== 0) {
    throw new InvariantError(`a valid application has ${shares} shares, not a positive whole number of board lots of ${lot}`);
  }
  if (!Number.isSafeInteger(count) || count <= 0) throw new InvariantError(`${count} applications of ${shares} shares is not a positive count`);
}

export function planAllocation(input: AllocationPlanInput): AllocationPlan {
  const { offering } = input;
  const lot = offering.board_lot;
  const price = checkFinalPrice(input.finalPrice, offering);

  const poolByShares = new Map<number, PoolName>();
  const poolFor = (shares: number): PoolName => {
    let pool = poolByShares.get(shares);
    if (pool === undefined) poolByShares.set(shares, (pool = poolOf(shares, offering)));
    return pool;
  };
  const groups: Record<PoolName, { lots: number; count: number }[]> = { A: [], B: [] };
  let demand = 0;
  for (const [shares, count] of [...input.quantities.entries()].sort((x, y) => x[0] - y[0])) {
    checkQuantity(shares, count, lot);
    groups[poolFor(shares)].push({ lots: shares / lot, count });
    demand += shares * count;
  }
  const sizing = sizeTranche(demand, offering, price, input.reallocateShares);
  const lotsOf = (pool: PoolName) => groups[pool].reduce((s, g) => s + g.lots * g.count, 0);
  const poolDemand = { A: lotsOf('A') * lot, B: lotsOf('B') * lot };
  const sizes = sizePools(splitTranche(sizing.final_hong_kong_shares, lot), poolDemand);

  const pools = {} as Record<PoolName, PoolPlan>;
  for (const pool of POOLS) {
    const given = input.ballotPolicy?.[pool] ?? null;
    const oversubscribed = poolDemand[pool] > sizes[pool];
    let plan: PlanRow[];
    let exponent: number | null = null;
    if (oversubscribed) {
      const solved = planPoolWithPolicy(groups[pool], Math.floor(sizes[pool] / lot), given, {
        pool, board_lot: lot, default_exponent: offering.pools.exponent[pool],
      });
      plan = solved.plan;
      exponent = solved.exponent;
    } else {
      plan = groups[pool].map((g) => ({ lots: g.lots, count: g.count, base_lots: g.lots, winners: 0 }));
    }
    pools[pool] = {
      pool,
      size_shares: sizes[pool],
      demand_shares: poolDemand[pool],
      valid_applications: groups[pool].reduce((s, g) => s + g.count, 0),
      oversubscribed,
      plan,
      policy: { given, exponent, first_row: firstRow(plan, lot) },
    };
  }
  const basis = POOLS.flatMap((pool) => basisRows(pool, pools[pool].plan, lot));
  return { sizing, pools: { A: pools.A, B: pools.B }, basis, poolOf: poolFor };
}

function firstRow(plan: readonly PlanRow[], lot: number): PoolPolicyOutcome['first_row'] {
  const row = plan[0];
  if (row === undefined) return null;
  return {
    shares_applied: row.lots * lot,
    valid_applications: row.count,
    base_shares: row.base_lots * lot,
    winners: row.winners,
    pct_allotted: approxPctAllotted((row.base_lots * row.count + row.winners) * lot, row.lots * row.count * lot),
  };
}

/** Applications per applied quantity, for planAllocation. */
export function countQuantities(applications: Iterable<{ shares: number }>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const a of applications) counts.set(a.shares, (counts.get(a.shares) ?? 0) + 1);
  return counts;
}
