/**
 * The allocation over the compact book (compact-book.ts): the same plan (allocation-plan.ts), the
 * same draw (rng.ts: one HMAC stream per pool and quantity, a partial Fisher-Yates over the
 * quantity's applications in key order) and the same hard rules (invariants.ts) as allocate(),
 * with the allotments in a typed array indexed like the book instead of a Map of keys. Pure.
 * allocate() stays the reference over Application objects; a test holds the two equal.
 */
import { createHash } from 'node:crypto';
import type { BallotPolicy, PoolPolicyOutcome, PoolResult, TrancheSizing, BasisRow } from '../domain/allocation';
import { InvariantError } from '../domain/errors';
import type { PoolName } from '../domain/types';
import type { Offering } from '../offering/schema';
import type { CompactBook } from './compact-book';
import { planAllocation, POOLS } from './allocation-plan';
import { checkAllotments } from './invariants';
import { poolOf } from './pools';
import { drawStream, DrawStream } from './rng';
import { formatSubscriptionMultiple } from './sizing';

/** Pool codes in CompactAllocation.pool. */
export const NO_POOL = 0;
export const POOL_CODE: Record<PoolName, number> = { A: 1, B: 2 };
export const POOL_OF_CODE: readonly (PoolName | null)[] = [null, 'A', 'B'];

export interface CompactAllocation {
  sizing: TrancheSizing;
  pools: { A: PoolResult; B: PoolResult };
  basis: BasisRow[];
  policy?: { A: PoolPolicyOutcome; B: PoolPolicyOutcome };
  draw: { seed: string; book_sha256: string };
  /** Per instruction: NO_POOL, or the pool code of a valid application. */
  pool: Uint8Array;
  /** Per instruction: shares allotted (0 for every instruction that is not a valid application). */
  allotted: Float64Array;
}

export interface CompactAllocateInput {
  offering: Offering;
  finalPrice: string;
  seed: string;
  reallocateShares?: number;
  ballotPolicy?: BallotPolicy;
}

const keyOf = (book: CompactBook, i: number) => `${book.files[book.file[i]!]!.participant_id}/${book.refs[i]}`;

/** SHA-256 of canonicalBookText (book-hash.ts) over the valid applications in key order, streamed. */
export function compactBookSha256(book: CompactBook): string {
  const hash = createHash('sha256');
  let text = '';
  for (let k = 0; k < book.keyOrder.length; k++) {
    const i = book.keyOrder[k]!;
    const f = book.files[book.file[i]!]!;
    text += `${f.participant_id}/${book.refs[i]},${f.channel},${book.shares[i]}\n`;
    if (text.length > 1 << 16) {
      hash.update(text, 'utf8');
      text = '';
    }
  }
  hash.update(text, 'utf8');
  return hash.digest('hex');
}

function checkShares(book: CompactBook, lot: number): void {
  for (let k = 0; k < book.keyOrder.length; k++) {
    const i = book.keyOrder[k]!;
    const s = book.shares[i]!;
    if (!Number.isSafeInteger(s) || s <= 0 || s % lot !== 0) {
      throw new InvariantError(`valid application ${keyOf(book, i)} has ${Number.isNaN(s) ? 'no' : s} shares, not a positive whole number of board lots`);
    }
  }
}

/** Valid applications per shares applied. */
export function compactQuantities(book: CompactBook): Map<number, number> {
  const counts = new Map<number, number>();
  for (let k = 0; k < book.keyOrder.length; k++) {
    const s = book.shares[book.keyOrder[k]!]!;
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return counts;
}

/** chooseWinners (rng.ts) over a typed array: the same draws, the same winners. */
function chooseWinnersCompact(count: number, winners: number, stream: DrawStream): Uint32Array {
  if (winners < 0 || winners > count) throw new RangeError(`cannot choose ${winners} of ${count}`);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = 0; i < winners; i++) {
    const j = i + stream.uniformBelow(count - i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order.subarray(0, winners);
}

export function allocateCompact(book: CompactBook, input: CompactAllocateInput): CompactAllocation {
  const { offering } = input;
  const lot = offering.board_lot;
  checkShares(book, lot);
  const planned = planAllocation({
    quantities: compactQuantities(book), offering, finalPrice: input.finalPrice,
    ...(input.reallocateShares !== undefined ? { reallocateShares: input.reallocateShares } : {}),
    ...(input.ballotPolicy !== undefined ? { ballotPolicy: input.ballotPolicy } : {}),
  });
  const bookHash = compactBookSha256(book);
  const pool = new Uint8Array(book.count);
  const allotted = new Float64Array(book.count);

  // Each pool's applications grouped by quantity, in key order.
  const groups = new Map<number, number[]>();
  for (let k = 0; k < book.keyOrder.length; k++) {
    const i = book.keyOrder[k]!;
    const s = book.shares[i]!;
    let g = groups.get(s);
    if (g === undefined) groups.set(s, (g = []));
    g.push(i);
    pool[i] = POOL_CODE[planned.poolOf(s)];
  }
  for (const p of POOLS) {
    for (const row of planned.pools[p].plan) {
      const members = groups.get(row.lots * lot)!;
      const base = row.base_lots * lot;
      for (const i of members) allotted[i] = base;
      if (row.winners > 0) {
        const stream = drawStream(input.seed, bookHash, p, row.lots * lot);
        for (const w of chooseWinnersCompact(members.length, row.winners, stream)) allotted[members[w]!] = base + lot;
      }
    }
  }

  const pools = {} as Record<PoolName, PoolResult>;
  for (const p of POOLS) {
    const plan = planned.pools[p];
    pools[p] = {
      pool: p, size_shares: plan.size_shares, demand_shares: plan.demand_shares, valid_applications: plan.valid_applications,
      allotted_shares: 0, successful_applications: 0, oversubscribed: plan.oversubscribed,
    };
  }
  for (let k = 0; k < book.keyOrder.length; k++) {
    const i = book.keyOrder[k]!;
    const r = pools[POOL_OF_CODE[pool[i]!]!];
    r.allotted_shares += allotted[i]!;
    if (allotted[i]! > 0) r.successful_applications += 1;
  }
  checkAllotments((visit) => {
    for (let k = 0; k < book.keyOrder.length; k++) {
      const i = book.keyOrder[k]!;
      visit({ key: () => keyOf(book, i), shares: book.shares[i]!, pool: POOL_OF_CODE[pool[i]!]!, shares_allotted: allotted[i]! });
    }
  }, POOLS.map((p) => ({ pool: p, size_shares: pools[p].size_shares, oversubscribed: pools[p].oversubscribed })), lot);
  const { sizing } = planned;
  const total = pools.A.allotted_shares + pools.B.allotted_shares;
  if (total + sizing.shortfall_to_international_shares !== sizing.final_hong_kong_shares) {
    throw new InvariantError(`allocation invariant broken: ${total} allotted + ${sizing.shortfall_to_international_shares} shortfall != tranche ${sizing.final_hong_kong_shares}`);
  }
  return {
    sizing, pools: { A: pools.A, B: pools.B }, basis: planned.basis,
    policy: { A: planned.pools.A.policy, B: planned.pools.B.policy },
    draw: { seed: input.seed, book_sha256: bookHash }, pool, allotted,
  };
}

/** A lapsed offering over the compact book: allocateNothing (lapse.ts), the same result. */
export function allocateNothingCompact(book: CompactBook, offering: Offering): CompactAllocation {
  const pool = new Uint8Array(book.count);
  const demand = { A: 0, B: 0 };
  const count = { A: 0, B: 0 };
  const poolByShares = new Map<number, PoolName>();
  for (let k = 0; k < book.keyOrder.length; k++) {
    const i = book.keyOrder[k]!;
    const s = book.shares[i]!;
    let p = poolByShares.get(s);
    if (p === undefined) poolByShares.set(s, (p = poolOf(s, offering)));
    pool[i] = POOL_CODE[p];
    demand[p] += s;
    count[p] += 1;
  }
  const result = (p: PoolName): PoolResult => ({
    pool: p, size_shares: 0, demand_shares: demand[p], valid_applications: count[p], allotted_shares: 0, successful_applications: 0, oversubscribed: false,
  });
  const initial = offering.tranches.hong_kong_initial;
  return {
    sizing: {
      initial_hong_kong_shares: initial,
      subscription_multiple: formatSubscriptionMultiple(demand.A + demand.B, initial),
      demand_shares: demand.A + demand.B,
      clawback: null,
      reallocated_shares: 0,
      final_hong_kong_shares: 0,
      shortfall_to_international_shares: 0,
    },
    pools: { A: result('A'), B: result('B') },
    basis: [],
    draw: { seed: '', book_sha256: compactBookSha256(book) },
    pool,
    allotted: new Float64Array(book.count),
  };
}
