/**
 * Control totals (spec: instruction-file.md, "T: trailer"): computed over the D records by one
 * function, compared with the trailer by another. Shares are summed as integers (BigInt), amounts
 * as exact decimals. The sums read each field as leniently as the sender's own sum would: any
 * whole number for shares, any decimal number (e.g. `16120.8`, which the record rules reject as
 * AMOUNT_INVALID) for amounts. A field that is not a number at all adds nothing; the record
 * still counts.
 *
 * Speed: an amount written `d+.dd` (every valid one) is added as BigInt cents; only the others go
 * through decimal.js. The sum is the same exact decimal either way.
 */
import { Decimal, formatMoney } from '../money/money';
import { smallCentsOf } from '../money/cents';
import { Rejection, rejection } from '../domain/reasons';
import type { TrailerRecord } from './trailer-record';

export interface ControlTotals {
  record_count: bigint;
  total_shares: bigint;
  /** Sum of the amounts written `d+.dd`, in cents. */
  total_cents: bigint;
  /** Sum of the other decimal amounts (e.g. `16120.8`). */
  other_amount: Decimal;
}

const WHOLE = /^[0-9]+$/;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const CENTS = /^[0-9]+\.[0-9]{2}$/;

export function emptyControlTotals(): ControlTotals {
  return { record_count: 0n, total_shares: 0n, total_cents: 0n, other_amount: new Decimal(0) };
}

/** The sum of field 9 over the D records, as an exact decimal. */
export function totalAmount(totals: ControlTotals): Decimal {
  return totals.other_amount.plus(new Decimal(totals.total_cents.toString()).dividedBy(100));
}

/** Whole numbers of at most this many digits are below 10^15: exact as JavaScript numbers. */
const SMALL_DIGITS = 15;
/** A number sum is folded into the bigint before it could pass 2^53 with one more small value. */
const FOLD_AT = 2 ** 53 - 10 ** 15;

/**
 * Adds D records to the totals (a parse batch at a time): shares summed as integers, amounts as
 * exact decimals, the usual small values added as numbers and folded into the bigints before a sum
 * could lose a digit, so that a record costs no bigint (three a record were a tenth of the parse's
 * time). `fold()` before the totals are read.
 */
export class ControlTotalsAdder {
  private count = 0;
  private shares = 0;
  private cents = 0;

  constructor(private readonly totals: ControlTotals) {}

  add(shares: string | undefined, amount: string | undefined): void {
    this.count += 1;
    if (shares !== undefined && WHOLE.test(shares)) {
      if (shares.length <= SMALL_DIGITS) {
        this.shares += Number(shares);
        if (this.shares >= FOLD_AT) this.fold();
      } else this.totals.total_shares += BigInt(shares);
    }
    if (amount === undefined) return;
    if (CENTS.test(amount)) {
      const n = amount.length;
      // d+.dd with at most 13 digits before the point: below 10^15 cents.
      if (n <= SMALL_DIGITS) {
        this.cents += smallCentsOf(amount);
        if (this.cents >= FOLD_AT) this.fold();
      } else this.totals.total_cents += BigInt(amount.slice(0, -3) + amount.slice(-2));
    } else if (NUMBER.test(amount)) this.totals.other_amount = this.totals.other_amount.plus(amount);
  }

  /** Moves what was summed as numbers into the totals. */
  fold(): void {
    const t = this.totals;
    if (this.count > 0) t.record_count += BigInt(this.count);
    if (this.shares > 0) t.total_shares += BigInt(this.shares);
    if (this.cents > 0) t.total_cents += BigInt(this.cents);
    this.count = 0;
    this.shares = 0;
    this.cents = 0;
  }
}

/** Adds one D record (its shares and amount_paid fields as text, undefined when absent). */
export function addToControlTotals(totals: ControlTotals, shares: string | undefined, amount: string | undefined): void {
  const adder = new ControlTotalsAdder(totals);
  adder.add(shares, amount);
  adder.fold();
}

/** The first difference between the trailer and the records: count, then shares, then amount. */
export function compareControlTotals(totals: ControlTotals, trailer: TrailerRecord): Rejection | null {
  if (trailer.record_count !== totals.record_count) {
    return rejection('TRAILER_COUNT_MISMATCH', trailer.line, { field: 'record_count', value: String(trailer.record_count), extra: `the file has ${totals.record_count} D records` });
  }
  if (trailer.total_shares !== totals.total_shares) {
    return rejection('TRAILER_SHARES_MISMATCH', trailer.line, { field: 'total_shares', value: String(trailer.total_shares), extra: `the D records sum to ${totals.total_shares}` });
  }
  // Every amount written d+.dd (the usual case): compared exactly in cents, however many digits
  // (decimal.js keeps 40 significant digits; a 900-digit amount must not be rounded into a match or a mismatch).
  const sum = totalAmount(totals);
  const equal = totals.other_amount.isZero()
    ? BigInt(trailer.total_amount.slice(0, -3) + trailer.total_amount.slice(-2)) === totals.total_cents
    : new Decimal(trailer.total_amount).equals(sum);
  if (!equal) {
    return rejection('TRAILER_AMOUNT_MISMATCH', trailer.line, { field: 'total_amount', value: trailer.total_amount, extra: `the D records sum to ${formatMoney(sum)}` });
  }
  return null;
}
