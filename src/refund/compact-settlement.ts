/**
 * Settlement over the compact book (issue 9): the rules of settlement.ts (status, pool, shares
 * allotted, amount kept, refund and its reason) for every instruction, in integer cents held in
 * typed arrays, with the money reconciled (reconcile.ts rules) and the refund references numbered
 * in results order (refunds.ts: M for manual, R for the others). decimal.js is used only where a
 * rounding rule applies: the amount payable for each distinct number of shares allotted
 * (money/amount-payable.ts), once. Sums are kept exact: safe integers, moved into a bigint before
 * they could lose a cent. Pure.
 */
import type { CompactAllocation } from '../allocate/compact-allocation';
import { NO_POOL } from '../allocate/compact-allocation';
import { CompactBook, PAID_BIG, PAID_MANUAL } from '../allocate/compact-book';
import { CHANNELS, Channel } from '../domain/types';
import { InvariantError } from '../domain/errors';
import { amountPayable, FeeRate } from '../money/amount-payable';
import { formatCents } from '../money/cents';
import type { ManualRefund, MoneyReconciliation, MoneyTotals } from './reconcile';
import type { RefundReason, ResultStatus } from './settlement';

export const STATUS_OF_CODE: readonly ResultStatus[] = ['ALLOTTED', 'UNSUCCESSFUL', 'REJECTED'];
const ALLOTTED = 0;
const UNSUCCESSFUL = 1;
const REJECTED = 2;
export const REFUND_REASON_OF_CODE: readonly (RefundReason | null)[] = [null, 'REJECTED', 'UNSUCCESSFUL', 'PARTIAL', 'PRICE_ADJUSTMENT', 'LAPSED'];
const R_REJECTED = 1;
const R_UNSUCCESSFUL = 2;
const R_PARTIAL = 3;
const R_PRICE_ADJUSTMENT = 4;
const R_LAPSED = 5;

/** A refund amount: cents as a safe integer, or a bigint when larger. */
export type Cents = number | bigint;

export interface CompactSettlement {
  /** Per instruction: index into STATUS_OF_CODE. */
  status: Uint8Array;
  /** Per instruction: the reason code ('' when none). */
  reasonCode: (i: number) => string;
  /** The same as data: per instruction an index into `codes`. */
  code: Uint16Array;
  codes: string[];
  /** Amount kept, cents. */
  kept: Float64Array;
  /** Refund in cents; -1 for a manual refund; see bigRefund for amounts beyond safe integers (NaN here). */
  refund: Float64Array;
  bigRefund: Map<number, bigint>;
  /** Index into REFUND_REASON_OF_CODE. */
  refundReason: Uint8Array;
  /** Sequence number of the instruction's refund row (M or R, from 1), 0 when it has none. */
  refundSeq: Uint32Array;
  manualRefunds: number;
  paidRefunds: number;
  money: MoneyReconciliation;
  counts: SettlementCounts;
}

/** What summary.json counts (summary.ts). */
export interface SettlementCounts {
  total: number;
  valid: number;
  successful: number;
  unsuccessful: number;
  rejected_by_reason: Record<string, number>;
}

/** An exact running sum of cents. */
export class CentsSum {
  private small = 0;
  private big = 0n;
  add(c: Cents): void {
    if (typeof c === 'bigint') {
      this.big += c;
      return;
    }
    this.small += c;
    if (this.small > 2 ** 52) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
  }
  value(): bigint {
    return this.big + BigInt(this.small);
  }
  text(): string {
    return formatCents(this.value());
  }
}

interface Sums { paid: CentsSum; kept: CentsSum; refunded: CentsSum; manual: number }
const zero = (): Sums => ({ paid: new CentsSum(), kept: new CentsSum(), refunded: new CentsSum(), manual: 0 });
const totals = (s: Sums): MoneyTotals => ({ amount_paid: s.paid.text(), amount_kept: s.kept.text(), amount_refunded: s.refunded.text(), manual_refunds: s.manual });

/** The refund of an instruction as cents (null for a manual one). */
export function refundCents(s: CompactSettlement, i: number): Cents | null {
  const r = s.refund[i]!;
  if (r === -1) return null;
  return Number.isNaN(r) ? s.bigRefund.get(i)! : r;
}

export function settleCompact(
  book: CompactBook,
  allocation: CompactAllocation,
  p: { finalPrice: string | null; fees: readonly FeeRate[] },
): CompactSettlement {
  const n = book.count;
  const status = new Uint8Array(n);
  const code = new Uint16Array(n);
  const codes = [...book.reasons];
  const codeIndex = (c: string) => {
    let k = codes.indexOf(c);
    if (k < 0) k = codes.push(c) - 1;
    return k;
  };
  const MULTIPLE = codeIndex('MULTIPLE_APPLICATION');
  const LAPSED = codeIndex('OFFERING_LAPSED');
  const kept = new Float64Array(n);
  const refund = new Float64Array(n);
  const bigRefund = new Map<number, bigint>();
  const refundReason = new Uint8Array(n);
  const keptBySharesAllotted = new Map<number, number>();
  const keptFor = (shares: number): number => {
    let c = keptBySharesAllotted.get(shares);
    if (c === undefined) {
      c = Number(amountPayable(shares, p.finalPrice!, p.fees).times(100).toFixed(0));
      if (!Number.isSafeInteger(c)) throw new InvariantError(`amount payable for ${shares} shares is beyond exact cents`);
      keptBySharesAllotted.set(shares, c);
    }
    return c;
  };
  const paidOf = (i: number): Cents | null => {
    const c = book.paid[i]!;
    return c === PAID_MANUAL ? null : c === PAID_BIG ? book.bigPaid.get(i)! : c;
  };
  const key = (i: number) => `${book.files[book.file[i]!]!.participant_id}/${book.refs[i]}`;

  for (let i = 0; i < n; i++) {
    const paid = paidOf(i);
    const valid = book.rejected[i] === 0 && book.multiple[i] === 0;
    if (!valid) {
      status[i] = REJECTED;
      code[i] = book.rejected[i] === 1 ? book.reason[i]! : MULTIPLE;
      if (paid === null) refund[i] = -1;
      else if (typeof paid === 'bigint') {
        refund[i] = NaN;
        bigRefund.set(i, paid);
      } else refund[i] = paid;
      refundReason[i] = paid !== null && paid > 0 ? R_REJECTED : 0;
      continue;
    }
    if (allocation.pool[i] === NO_POOL) throw new InvariantError(`valid application ${key(i)} has no allotment`);
    const applied = book.shares[i]!;
    if (Number.isNaN(applied) || paid === null) throw new InvariantError(`valid application ${key(i)} has no readable shares or amount`);
    if (p.finalPrice === null) {
      status[i] = UNSUCCESSFUL;
      code[i] = LAPSED;
      if (typeof paid === 'bigint') {
        refund[i] = NaN;
        bigRefund.set(i, paid);
      } else refund[i] = paid;
      refundReason[i] = paid > 0 ? R_LAPSED : 0;
      continue;
    }
    const allotted = allocation.allotted[i]!;
    if (!Number.isSafeInteger(allotted) || allotted < 0 || allotted > applied) throw new InvariantError(`application ${key(i)}: ${allotted} shares allotted of ${applied} applied for`);
    const k = allotted > 0 ? keptFor(allotted) : 0;
    kept[i] = k;
    let r: Cents;
    if (typeof paid === 'bigint') {
      r = paid - BigInt(k);
      refund[i] = NaN;
      bigRefund.set(i, r);
    } else {
      r = paid - k;
      refund[i] = r;
    }
    if (r < 0) throw new InvariantError(`application ${key(i)}: amount kept ${formatCents(BigInt(k))} exceeds amount paid ${formatCents(BigInt(paid))}`);
    status[i] = allotted > 0 ? ALLOTTED : UNSUCCESSFUL;
    refundReason[i] = !(r > 0) ? 0 : allotted === 0 ? R_UNSUCCESSFUL : allotted < applied ? R_PARTIAL : R_PRICE_ADJUSTMENT;
  }

  // In results order: refund sequence numbers, money sums, counts.
  const refundSeq = new Uint32Array(n);
  let manualRefunds = 0;
  let paidRefunds = 0;
  const total = zero();
  const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, zero()])) as Record<Channel, Sums>;
  const counts: SettlementCounts = { total: n, valid: 0, successful: 0, unsuccessful: 0, rejected_by_reason: {} };
  const rejectedBy = new Map<string, number>();
  const manual: ManualRefund[] = [];
  const manualByIndex = new Map(book.manual.map((m) => [m.index, m]));
  for (let r = 0; r < n; r++) {
    const i = book.order[r]!;
    const channel = byChannel[book.files[book.file[i]!]!.channel];
    if (status[i] === REJECTED) rejectedBy.set(codes[code[i]!]!, (rejectedBy.get(codes[code[i]!]!) ?? 0) + 1);
    else {
      counts.valid += 1;
      if (status[i] === ALLOTTED) counts.successful += 1;
      else counts.unsuccessful += 1;
    }
    const refundOf = refund[i]!;
    if (refundOf === -1) {
      if (status[i] !== REJECTED) throw new InvariantError(`${key(i)}: a valid application without a readable amount paid`);
      refundSeq[i] = ++manualRefunds;
      const m = manualByIndex.get(i)!;
      manual.push({ participant_id: m.participant_id, instruction_ref: m.instruction_ref, channel: m.channel, file_seq: m.file_seq, line: m.line, amount_paid_text: m.amount_paid_text, reason_code: codes[code[i]!]! });
      total.manual += 1;
      channel.manual += 1;
      continue;
    }
    const paid = paidOf(i)!;
    const refundC: Cents = Number.isNaN(refundOf) ? bigRefund.get(i)! : refundOf;
    for (const sums of [total, channel]) {
      sums.paid.add(paid);
      sums.kept.add(kept[i]!);
      sums.refunded.add(refundC);
    }
    if (refundC > 0 && refundReason[i] !== 0) refundSeq[i] = ++paidRefunds;
  }
  const balanced = (where: string, s: Sums) => {
    if (s.paid.value() !== s.kept.value() + s.refunded.value()) {
      throw new InvariantError(`${where}: paid ${s.paid.text()} is not kept ${s.kept.text()} + refunded ${s.refunded.text()}`);
    }
  };
  balanced('all channels', total);
  for (const c of CHANNELS) balanced(c, byChannel[c]);
  counts.rejected_by_reason = Object.fromEntries([...rejectedBy.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    status, reasonCode: (i) => codes[code[i]!]!, code, codes, kept, refund, bigRefund, refundReason, refundSeq, manualRefunds, paidRefunds,
    money: { total: totals(total), by_channel: Object.fromEntries(CHANNELS.map((c) => [c, totals(byChannel[c])])) as Record<Channel, MoneyTotals>, manual_refunds: manual },
    counts,
  };
}
