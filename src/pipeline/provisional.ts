/**
 * The nightly provisional run: what the book would give if the lists closed now. It allots
 * nothing, records no transition and draws no winners that anyone sees; it writes
 * `<work>/provisional/<date>/summary.json` (date: the Hong Kong day of the run) for the registrar
 * and the issuer: valid applications so far, demand per permitted quantity and pool, the
 * subscription multiple, the clawback tier it would trigger, and the basis of allocation table the
 * offering's default ballot policy would give today (at the maximum price, no reallocation).
 *
 * One function computes it (provisionalSummary), from the same selection of valid applications
 * and the same plan as the final run and `preview` (allocate/allocation-plan.ts, no draw), so the
 * provisional table is the one `allocate` would write on this book with the default policy.
 */
import { planAllocation, poolOf, type PoolPlan } from '../allocate';
import type { BasisRow, PoolResult } from '../domain/allocation';
import type { PoolName } from '../domain/types';
import { dateText, hongKongDay } from '../ingest/iso-date-time';
import type { Offering } from '../offering/schema';
import { viewOf } from '../book/lifecycle';
import { readLifecycle } from '../io/lifecycle-file';
import { writeProvisionalSummary } from '../io/provisional-file';
import { listStoredFiles } from '../io/store';
import { readCompactBook } from './allocation-files';
import { BookInput, demandOf, demandOfCompactBook } from './book-demand';

export interface ProvisionalSummary {
  provisional: true;
  note: string;
  /** The Hong Kong date of the run (the folder's name). */
  date: string;
  /** The instant of the run (UTC). */
  run_at: string;
  offering: { stock_code: string; issuer: string };
  book_state: string;
  files_accepted: number;
  instructions: { accepted: number; rejected: number };
  valid_applications: number;
  /** Accepted instructions that are multiple applications (they will be rejected). */
  multiple_applications: number;
  demand_shares: number;
  subscription_multiple: string;
  /** The clawback tier the demand would trigger now, or null. */
  clawback: { min_multiple: number; hong_kong_pct: string } | null;
  hong_kong_tranche_shares: number;
  pools: Record<PoolName, Pick<PoolResult, 'size_shares' | 'demand_shares' | 'valid_applications' | 'oversubscribed'>>;
  /** Every permitted quantity, with its pool and the valid applications for it so far. */
  demand: { shares_applied: number; pool: PoolName; valid_applications: number; demand_shares: number }[];
  basis: { price: string; policy: string; rows: BasisRow[] };
}

/** The provisional figures of a book (pure: the instant is an input). */
export function provisionalSummary(book: BookInput, offering: Offering, at: Date, facts: { state: string; files: number }): ProvisionalSummary {
  const { instructions, valid, multiple, quantities } = demandOf(book);
  const price = offering.price.maximum;
  // The plan of the allocation (what `preview` shows): sizing, pools and basis table, no draw.
  const allocation = planAllocation({ quantities, offering, finalPrice: price });
  const pool = (p: PoolPlan) => ({ size_shares: p.size_shares, demand_shares: p.demand_shares, valid_applications: p.valid_applications, oversubscribed: p.oversubscribed });
  return {
    provisional: true,
    note: 'a provisional look at the book as it stands: nothing is allotted and nothing here is final',
    date: dateText(hongKongDay(Math.floor(at.getTime() / 1000))),
    run_at: at.toISOString(),
    offering: { stock_code: offering.stock_code, issuer: offering.issuer },
    book_state: facts.state,
    files_accepted: facts.files,
    instructions: { accepted: instructions.accepted, rejected: instructions.rejected },
    valid_applications: valid,
    multiple_applications: multiple,
    demand_shares: allocation.sizing.demand_shares,
    subscription_multiple: allocation.sizing.subscription_multiple,
    clawback: allocation.sizing.clawback,
    hong_kong_tranche_shares: allocation.sizing.final_hong_kong_shares,
    pools: { A: pool(allocation.pools.A), B: pool(allocation.pools.B) },
    demand: offering.permitted_quantities.map((shares) => ({
      shares_applied: shares, pool: poolOf(shares, offering), valid_applications: quantities.get(shares) ?? 0, demand_shares: (quantities.get(shares) ?? 0) * shares,
    })),
    basis: {
      price,
      policy: `the offering's default: target curve exponent ${offering.pools.exponent.A} in pool A, ${offering.pools.exponent.B} in pool B`,
      rows: allocation.basis,
    },
  };
}

export interface ProvisionalRun {
  /** Null when the book is already final (allocated or lapsed): nothing is written. */
  path: string | null;
  summary: ProvisionalSummary | null;
  state: string;
}

/** Computes the provisional figures of the book in `work` now and writes them. Read-only on the book. */
export async function writeProvisionalRun(work: string, offering: Offering, at: Date): Promise<ProvisionalRun> {
  const lifecycle = await readLifecycle(work);
  const state = lifecycle ? viewOf(lifecycle).state : 'open';
  if (state === 'allocated' || state === 'lapsed') return { path: null, summary: null, state };
  const files = (await listStoredFiles(work)).length;
  const summary = provisionalSummary(demandOfCompactBook((await readCompactBook(work)).book), offering, at, { state, files });
  const path = await writeProvisionalSummary(work, summary.date, JSON.stringify(summary, null, 2) + '\n');
  return { path, summary, state };
}
