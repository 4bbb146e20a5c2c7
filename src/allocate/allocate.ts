/**
 * The allocation entry point: valid applications, offering, final price and seed in; the
 * Allocation (src/domain/allocation.ts) out. Pure and synchronous: no I/O, no clock, no
 * Math.random. The same inputs in any order give the identical result (everything is sorted by
 * key first). The sizing, pools and plan come from planAllocation (allocation-plan.ts); this adds
 * the draw and the hard-rule checks. Issue 3, parts 2-5 and 7-8; docs/allocation.md.
 */
import type { Allocation, Allotment, BallotPolicy, PoolResult } from '../domain/allocation';
import { InvariantError } from '../domain/errors';
import type { Application, PoolName } from '../domain/types';
import type { Offering } from '../offering/schema';
import { countQuantities, planAllocation, POOLS } from './allocation-plan';
import { drawPool } from './ballot';
import { bookSha256, sortByKey } from './book-hash';
import { verifyAllotments } from './invariants';

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
  /** `--ballot-policy` (docs/ballot.md); undefined: every pool keeps the offering's default exponent. */
  ballotPolicy?: BallotPolicy;
}

function checkApplication(a: Application, offering: Offering): void {
  if (!Number.isSafeInteger(a.shares) || a.shares <= 0 || a.shares % offering.board_lot !== 0) {
    throw new InvariantError(`valid application ${a.key} has ${a.shares} shares, not a positive whole number of board lots`);
  }
}

export function allocate(input: AllocateInput): Allocation {
  const { offering } = input;
  const lot = offering.board_lot;
  const applications = sortByKey(input.applications);
  applications.forEach((a) => checkApplication(a, offering));
  const planned = planAllocation({
    quantities: countQuantities(applications), offering, finalPrice: input.finalPrice,
    ...(input.reallocateShares !== undefined ? { reallocateShares: input.reallocateShares } : {}),
    ...(input.ballotPolicy !== undefined ? { ballotPolicy: input.ballotPolicy } : {}),
  });
  const book = bookSha256(applications);
  const { sizing } = planned;

  const byPool: Record<PoolName, Application[]> = { A: [], B: [] };
  for (const a of applications) byPool[planned.poolOf(a.shares)].push(a);
  const drawn = {} as Record<PoolName, Map<string, number>>;
  for (const pool of POOLS) {
    drawn[pool] = drawPool({ pool, applications: byPool[pool], plan: planned.pools[pool].plan, board_lot: lot, seed: input.seed, book_sha256: book });
  }

  const allotments = new Map<string, Allotment>();
  for (const a of applications) {
    const pool = planned.poolOf(a.shares);
    allotments.set(a.key, { pool, shares_allotted: drawn[pool].get(a.key)! });
  }

  const pools = {} as Record<PoolName, PoolResult>;
  for (const pool of POOLS) {
    const p = planned.pools[pool];
    const shares = [...drawn[pool].values()];
    pools[pool] = {
      pool,
      size_shares: p.size_shares,
      demand_shares: p.demand_shares,
      valid_applications: p.valid_applications,
      allotted_shares: shares.reduce((s, x) => s + x, 0),
      successful_applications: shares.filter((x) => x > 0).length,
      oversubscribed: p.oversubscribed,
    };
  }

  verifyAllotments(applications, allotments, POOLS.map((p) => ({ pool: p, size_shares: pools[p].size_shares, oversubscribed: pools[p].oversubscribed })), lot);
  const totalAllotted = pools.A.allotted_shares + pools.B.allotted_shares;
  if (totalAllotted + sizing.shortfall_to_international_shares !== sizing.final_hong_kong_shares) {
    throw new InvariantError(`allocation invariant broken: ${totalAllotted} allotted + ${sizing.shortfall_to_international_shares} shortfall != tranche ${sizing.final_hong_kong_shares}`);
  }

  return {
    sizing, pools: { A: pools.A, B: pools.B }, allotments, basis: planned.basis,
    policy: { A: planned.pools.A.policy, B: planned.pools.B.policy },
    draw: { seed: input.seed, book_sha256: book },
  };
}
