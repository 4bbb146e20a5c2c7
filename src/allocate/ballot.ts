/**
 * The draw of one pool: the plan (allocation-plan.ts) says how many applicants of each quantity
 * win an extra lot, the seeded draw says which. Issue 3, part 5; docs/ballot.md.
 */
import type { Application, PoolName } from '../domain/types';
import type { PlanRow } from './ballot-plan';
import { chooseWinners, drawStream } from './rng';

export interface PoolDrawInput {
  pool: PoolName;
  /** The pool's valid applications, sorted by key. */
  applications: readonly Application[];
  /** One row per applied quantity of the pool, as planned. */
  plan: readonly PlanRow[];
  board_lot: number;
  seed: string;
  book_sha256: string;
}

/** Groups applications by shares applied, each group keeping key order. */
export function groupByQuantity(applications: readonly Application[]): Map<number, Application[]> {
  const groups = new Map<number, Application[]>();
  for (const a of applications) {
    let g = groups.get(a.shares);
    if (g === undefined) groups.set(a.shares, (g = []));
    g.push(a);
  }
  return groups;
}

/** Shares allotted per application key: base lots for all, one lot more for the drawn winners. */
export function drawPool(input: PoolDrawInput): Map<string, number> {
  const lot = input.board_lot;
  const groups = groupByQuantity(input.applications);
  const sharesAllotted = new Map<string, number>();
  for (const row of input.plan) {
    const apps = groups.get(row.lots * lot)!;
    const extra = new Set<number>();
    if (row.winners > 0) {
      const stream = drawStream(input.seed, input.book_sha256, input.pool, row.lots * lot);
      for (const i of chooseWinners(apps.length, row.winners, stream)) extra.add(i);
    }
    apps.forEach((a, i) => sharesAllotted.set(a.key, (row.base_lots + (extra.has(i) ? 1 : 0)) * lot));
  }
  return sharesAllotted;
}
