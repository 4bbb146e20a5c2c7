/**
 * The results index: every application of an allocation, found by any of its applicants' identity
 * documents in O(1). Built once from results.csv and refunds.csv by ResultsIndexBuilder
 * (results-index-builder.ts); read by the results site and the announcement. Pure.
 *
 * Shaped for a million applications: one row per application in typed arrays (numbers for the
 * few distinct texts, integer cents for money, whole shares), the identity keys in a pooled
 * IdentityTable, and each identity's applications as a linked list of postings. About 80 bytes
 * an application in all (docs/performance.md); nothing of the files' text is kept.
 */
import type { IdentityTable } from './identity-table';
import type { TextInterner } from './text-interner';

/** What is known of one application's refund. */
export type IndexedRefund =
  | { kind: 'NONE' }
  /** refunds.csv has the row: amount (two decimals), method and reason as written there. */
  | { kind: 'PAID'; amount: string; method: string; reason: string }
  /** Refunded by hand (the amount paid could not be read; summary.json `manual_refunds` or a MANUAL row). */
  | { kind: 'MANUAL' }
  /** A reused reference whose refunds cannot be told apart from the files (refund-matching.ts). */
  | { kind: 'UNDETERMINED' };

/** One application as the site shows it; never a name, an account or another applicant's number. */
export interface IndexedApplication {
  /** 0-based row of results.csv (the results order). */
  row: number;
  participant_id: string;
  channel: string;
  /** `A`, `B`, or null for a rejected instruction. */
  pool: string | null;
  /** As given in the instruction (results.csv `shares_applied`). */
  shares_applied: string;
  shares_allotted: number;
  status: string;
  reason_code: string | null;
  /** Applicants on the application (1 for a sole applicant). */
  applicants: number;
  /** Where the searched document stands: 0 the first applicant, 1.. a joint applicant. */
  applicant_position: number;
  refund: IndexedRefund;
}

export const REFUND_NONE = 0;
export const REFUND_PAID = 1;
export const REFUND_MANUAL = 2;
export const REFUND_UNDETERMINED = 3;

/** The typed arrays of an index (filled by the builder). */
export interface IndexColumns {
  rows: number;
  participant: Uint32Array;
  channel: Uint8Array;
  pool: Uint8Array;
  status: Uint8Array;
  reason: Uint8Array;
  applicants: Uint8Array;
  /** Shares applied as a number, NaN where the text is not a plain whole number (then in sharesAppliedText). */
  sharesApplied: Float64Array;
  sharesAppliedText: ReadonlyMap<number, string>;
  sharesAllotted: Float64Array;
  refundState: Uint8Array;
  /** Whole cents (exact: below 2^53), NaN when there is no amount. */
  refundCents: Float64Array;
  refundMethod: Uint8Array;
  refundReason: Uint8Array;
  /** Per identity key: its first posting, -1 none. */
  head: Int32Array;
  postingRow: Int32Array;
  postingNext: Int32Array;
  postingPosition: Uint8Array;
  postings: number;
}

export interface IndexTexts {
  participant: TextInterner;
  channel: TextInterner;
  pool: TextInterner;
  status: TextInterner;
  reason: TextInterner;
  refundMethod: TextInterner;
  refundReason: TextInterner;
}

/** Whole cents as money text with two decimals: 403021 -> `4030.21`. */
export function centsText(cents: number): string {
  const whole = Math.floor(cents / 100);
  const part = cents - whole * 100;
  return `${whole}.${part < 10 ? '0' : ''}${part}`;
}

export class ResultsIndex {
  constructor(
    private readonly ids: IdentityTable,
    private readonly c: IndexColumns,
    private readonly t: IndexTexts,
  ) {}

  /** Applications (rows of results.csv). */
  get applications(): number {
    return this.c.rows;
  }

  /** Distinct identity documents. */
  get identities(): number {
    return this.ids.size;
  }

  /** Bytes held by the typed arrays and the identity table (allocated capacity). */
  get bytes(): number {
    const c = this.c;
    const arrays = [c.participant, c.channel, c.pool, c.status, c.reason, c.applicants, c.sharesApplied, c.sharesAllotted,
      c.refundState, c.refundCents, c.refundMethod, c.refundReason, c.head, c.postingRow, c.postingNext, c.postingPosition];
    return this.ids.bytes + arrays.reduce((sum, a) => sum + a.byteLength, 0);
  }

  /** The applications under a normalised identity key (`HKID:A1234563`), in the results order; [] when none. */
  lookup(key: string): IndexedApplication[] {
    const k = this.ids.find(key);
    return k < 0 ? [] : this.applicationsOfKey(k);
  }

  /** Every identity key with its applications, in the order the keys were first seen. */
  *entries(): Generator<{ key: string; applications: IndexedApplication[] }> {
    for (let k = 0; k < this.ids.size; k++) yield { key: this.ids.keyOf(k), applications: this.applicationsOfKey(k) };
  }

  /** One row as the site shows it. */
  application(row: number, position = 0): IndexedApplication {
    const c = this.c;
    const t = this.t;
    if (row < 0 || row >= c.rows) throw new RangeError(`no application ${row}`);
    const pool = t.pool.text(c.pool[row]!);
    const reason = t.reason.text(c.reason[row]!);
    const applied = c.sharesApplied[row]!;
    return {
      row,
      participant_id: t.participant.text(c.participant[row]!),
      channel: t.channel.text(c.channel[row]!),
      pool: pool === '' ? null : pool,
      shares_applied: Number.isNaN(applied) ? c.sharesAppliedText.get(row) ?? '' : String(applied),
      shares_allotted: c.sharesAllotted[row]!,
      status: t.status.text(c.status[row]!),
      reason_code: reason === '' ? null : reason,
      applicants: c.applicants[row]!,
      applicant_position: position,
      refund: this.refundOf(row),
    };
  }

  private applicationsOfKey(k: number): IndexedApplication[] {
    const c = this.c;
    const found: IndexedApplication[] = [];
    for (let p = c.head[k]!; p >= 0; p = c.postingNext[p]!) found.push(this.application(c.postingRow[p]!, c.postingPosition[p]!));
    // Postings are prepended while building: give them back in the results order.
    return found.reverse();
  }

  private refundOf(row: number): IndexedRefund {
    const c = this.c;
    switch (c.refundState[row]) {
      case REFUND_PAID:
        return { kind: 'PAID', amount: centsText(c.refundCents[row]!), method: this.t.refundMethod.text(c.refundMethod[row]!), reason: this.t.refundReason.text(c.refundReason[row]!) };
      case REFUND_MANUAL:
        return { kind: 'MANUAL' };
      case REFUND_UNDETERMINED:
        return { kind: 'UNDETERMINED' };
      default:
        return { kind: 'NONE' };
    }
  }
}

