/**
 * The allocation entry point: valid applications, offering, final price and seed in; the
 * Allocation (src/domain/allocation.ts) out. Pure and synchronous: no I/O, no clock, no
 * Math.random. The same inputs in any order give the identical result (everything is sorted by
 * key first). Issue 3, parts 2-5 and 7-8; docs/allocation.md.
 */
import type { Allocation, Allotment, BasisRow, PoolResult } from '../domain/allocation';
import { InvariantError } from '../domain/errors';
import type { Application, PoolName } from '../domain/types';
import type { Offering } from '../offering/schema';
import { basisRows } from './basis';
import { ballotPool, type PoolBallot } from './ballot';
import { bookSha256, sortByKey } from './book-hash';
import { verifyAllotments } from './invariants';
import { poolOf, sizePools, splitTranche } from './pools';
import { checkFinalPrice, sizeTranche } from './sizing';

export interface AllocateInput {
  /** Valid applications only (after ingest rules and multiple applications); any order. */
  applications: readonly Application[];
  offering: Offering;
  /** The final offer price as decimal text, within [price.minimum, price.maximum]. */
  finalPrice: string;
  /** The `--seed` text of the draw. */
  seed: string;
  /** Discretionary reallocation to Hong Kong in shares (`--reallocate`); undefined or 0: none. */
  reallocateShares?: number;
}

const POOLS: readonly PoolName[] = ['A', 'B'];

function checkApplication(a: Application, offering: Offering): void {
  if (!Number.isSafeInteger(a.shares) || a.shares <= 0 || a.shares % offering.board_lot !== 0) {
    throw new InvariantError(`valid application ${a.key} has ${a.shares} shares, not a positive whole number of board lots`);
  }
}

export function allocate(input: AllocateInput): Allocation {
  const { offering } = input;
  const lot = offering.board_lot;
  const price = checkFinalPrice(input.finalPrice, offering);
  const applications = sortByKey(input.applications);
  applications.forEach((a) => checkApplication(a, offering));
  const book = bookSha256(applications);

  const demand = applications.reduce((s, a) => s + a.shares, 0);
  const sizing = sizeTranche(demand, offering, price, input.reallocateShares);

  // The pool depends only on the quantity: decide it once per quantity (Decimal compare).
  const poolByShares = new Map<number, PoolName>();
  const poolFor = (shares: number): PoolName => {
    let pool = poolByShares.get(shares);
    if (pool === undefined) poolByShares.set(shares, (pool = poolOf(shares, offering)));
    return pool;
  };
  const byPool: Record<PoolName, Application[]> = { A: [], B: [] };
  for (const a of applications) byPool[poolFor(a.shares)].push(a);
  const poolDemand = { A: sum(byPool.A), B: sum(byPool.B) };
  const sizes = sizePools(splitTranche(sizing.final_hong_kong_shares, lot), poolDemand);

  const ballots = {} as Record<PoolName, PoolBallot>;
  for (const pool of POOLS) {
    ballots[pool] = ballotPool({
      pool, applications: byPool[pool], size_shares: sizes[pool], board_lot: lot,
      exponent: offering.pools.exponent[pool], seed: input.seed, book_sha256: book,
    });
  }

  const allotments = new Map<string, Allotment>();
  for (const a of applications) {
    const pool = poolFor(a.shares);
    allotments.set(a.key, { pool, shares_allotted: ballots[pool].shares_allotted.get(a.key)! });
  }

  const pools = {} as Record<PoolName, PoolResult>;
  const basis: BasisRow[] = [];
  for (const pool of POOLS) {
    const shares = [...ballots[pool].shares_allotted.values()];
    pools[pool] = {
      pool,
      size_shares: sizes[pool],
      demand_shares: poolDemand[pool],
      valid_applications: byPool[pool].length,
      allotted_shares: shares.reduce((s, x) => s + x, 0),
      successful_applications: shares.filter((x) => x > 0).length,
      oversubscribed: ballots[pool].oversubscribed,
    };
    basis.push(...basisRows(pool, ballots[pool].plan, lot));
  }

  verifyAllotments(applications, allotments, POOLS.map((p) => ({ pool: p, size_shares: sizes[p], oversubscribed: pools[p].oversubscribed })), lot);
  const totalAllotted = pools.A.allotted_shares + pools.B.allotted_shares;
  if (totalAllotted + sizing.shortfall_to_international_shares !== sizing.final_hong_kong_shares) {
    throw new InvariantError(`allocation invariant broken: ${totalAllotted} allotted + ${sizing.shortfall_to_international_shares} shortfall != tranche ${sizing.final_hong_kong_shares}`);
  }

  return { sizing, pools: { A: pools.A, B: pools.B }, allotments, basis, draw: { seed: input.seed, book_sha256: book } };
}

function sum(applications: readonly Application[]): number {
  return applications.reduce((s, a) => s + a.shares, 0);
}
