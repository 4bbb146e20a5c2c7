/**
 * The ballot's hard rules, checked on the realised allotments (not on the plan) before an
 * allocation leaves the stage. A failure is a bug, never a data fault: InvariantError.
 * Issue 3, part 5; docs/ballot.md, "Guarantees".
 */
import type { Allotment } from '../domain/allocation';
import { InvariantError } from '../domain/errors';
import type { Application, PoolName } from '../domain/types';

export interface PoolCheck {
  pool: PoolName;
  size_shares: number;
  oversubscribed: boolean;
}

interface QuantityStats { count: number; total: number; min: number; max: number }

/** One valid application's allotment, as checkAllotments reads it. */
export interface AllotmentEntry {
  key: () => string;
  shares: number;
  pool: PoolName;
  shares_allotted: number;
}

export function verifyAllotments(
  applications: readonly Application[],
  allotments: ReadonlyMap<string, Allotment>,
  pools: readonly PoolCheck[],
  boardLot: number,
): void {
  if (allotments.size !== applications.length) throw new InvariantError(`allocation invariant broken: ${allotments.size} allotments for ${applications.length} valid applications`);
  checkAllotments((visit) => {
    for (const a of applications) {
      const got = allotments.get(a.key);
      if (got === undefined) throw new InvariantError(`allocation invariant broken: no allotment for ${a.key}`);
      visit({ key: () => a.key, shares: a.shares, pool: got.pool, shares_allotted: got.shares_allotted });
    }
  }, pools, boardLot);
}

/**
 * The hard rules over every valid application's allotment (`each` calls `visit` once per
 * application): whole lots, never more than applied, each pool allotting its size (or its demand
 * when not oversubscribed), allotments of one quantity at most one lot apart, the mean never
 * falling as the quantity rises. The compact allocation (compact-allocation.ts) checks the same.
 */
export function checkAllotments(each: (visit: (e: AllotmentEntry) => void) => void, pools: readonly PoolCheck[], boardLot: number): void {
  const fail = (what: string): never => { throw new InvariantError(`allocation invariant broken: ${what}`); };
  const stats = new Map<PoolName, Map<number, QuantityStats>>([['A', new Map()], ['B', new Map()]]);
  const allotted = new Map<PoolName, number>([['A', 0], ['B', 0]]);

  each((a) => {
    const s = a.shares_allotted;
    if (!Number.isSafeInteger(s) || s < 0) fail(`${a.key()} allotted ${s}`);
    if (s % boardLot !== 0) fail(`${a.key()} allotted ${s}, not whole board lots`);
    if (s > a.shares) fail(`${a.key()} allotted ${s}, more than the ${a.shares} applied for`);
    allotted.set(a.pool, allotted.get(a.pool)! + s);
    const byQty = stats.get(a.pool)!;
    const q = byQty.get(a.shares);
    if (q === undefined) byQty.set(a.shares, { count: 1, total: s, min: s, max: s });
    else {
      q.count += 1;
      q.total += s;
      if (s < q.min) q.min = s;
      if (s > q.max) q.max = s;
    }
  });

  for (const p of pools) {
    const byQty = [...stats.get(p.pool)!.entries()].sort((x, y) => x[0] - y[0]);
    const demand = byQty.reduce((sum, [shares, q]) => sum + shares * q.count, 0);
    const expected = p.oversubscribed ? p.size_shares : demand;
    if (allotted.get(p.pool) !== expected) fail(`pool ${p.pool} allotted ${allotted.get(p.pool)} shares, expected ${expected}`);
    if (!p.oversubscribed && demand > p.size_shares) fail(`pool ${p.pool} demand ${demand} exceeds size ${p.size_shares} but is treated as undersubscribed`);
    let previous: [number, QuantityStats] | null = null;
    for (const [shares, q] of byQty) {
      if (q.max - q.min > boardLot) fail(`pool ${p.pool}, ${shares} shares: allotments range ${q.min}..${q.max}, more than one lot apart`);
      // mean(previous) <= mean(this), exactly: total_prev x count <= total x count_prev.
      if (previous !== null && BigInt(previous[1].total) * BigInt(q.count) > BigInt(q.total) * BigInt(previous[1].count)) {
        fail(`pool ${p.pool}: mean allotment falls from ${previous[0]} to ${shares} shares applied`);
      }
      previous = [shares, q];
    }
  }
}
