/**
 * The ballot of one pool: the plan says how many applicants of each quantity win an extra lot,
 * the seeded draw says which. Issue 3, part 5; docs/ballot.md.
 */
import type { Application, PoolName } from '../domain/types';
import { planOversubscribedPool, type PlanRow } from './ballot-plan';
import { chooseWinners, drawStream } from './rng';

export interface PoolBallot {
  /** One row per applied quantity, ascending; for an undersubscribed pool every row is in full. */
  plan: PlanRow[];
  oversubscribed: boolean;
  /** Shares allotted per application key. */
  shares_allotted: Map<string, number>;
}

export interface PoolBallotInput {
  pool: PoolName;
  /** The pool's valid applications, sorted by key. */
  applications: readonly Application[];
  size_shares: number;
  board_lot: number;
  exponent: number;
  seed: string;
  book_sha256: string;
}

/** Groups applications by shares applied (ascending), each group keeping key order. */
export function groupByQuantity(applications: readonly Application[]): Map<number, Application[]> {
  const groups = new Map<number, Application[]>();
  for (const a of applications) {
    let g = groups.get(a.shares);
    if (g === undefined) groups.set(a.shares, (g = []));
    g.push(a);
  }
  return new Map([...groups.entries()].sort((x, y) => x[0] - y[0]));
}

export function ballotPool(input: PoolBallotInput): PoolBallot {
  const lot = input.board_lot;
  const groups = groupByQuantity(input.applications);
  const demand = input.applications.reduce((s, a) => s + a.shares, 0);
  const sharesAllotted = new Map<string, number>();

  if (demand <= input.size_shares) {
    // Undersubscribed (or exactly subscribed): every application in full, nothing to draw.
    const plan = [...groups.entries()].map(([shares, apps]) => ({ lots: shares / lot, count: apps.length, base_lots: shares / lot, winners: 0 }));
    for (const a of input.applications) sharesAllotted.set(a.key, a.shares);
    return { plan, oversubscribed: false, shares_allotted: sharesAllotted };
  }

  const plan = planOversubscribedPool(
    [...groups.entries()].map(([shares, apps]) => ({ lots: shares / lot, count: apps.length })),
    Math.floor(input.size_shares / lot),
    input.exponent,
  );
  for (const row of plan) {
    const apps = groups.get(row.lots * lot)!;
    const extra = new Set<number>();
    if (row.winners > 0) {
      const stream = drawStream(input.seed, input.book_sha256, input.pool, row.lots * lot);
      for (const i of chooseWinners(apps.length, row.winners, stream)) extra.add(i);
    }
    apps.forEach((a, i) => sharesAllotted.set(a.key, (row.base_lots + (extra.has(i) ? 1 : 0)) * lot));
  }
  return { plan, oversubscribed: true, shares_allotted: sharesAllotted };
}
