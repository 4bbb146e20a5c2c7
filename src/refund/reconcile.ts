/**
 * Money reconciliation (spec: outputs.md, "Money must reconcile to the cent"; docs/money.md):
 * for every instruction paid = kept + refund, and the same over the whole offering and per
 * channel; the refunds file adds up to the refunds settled and lists every manual refund.
 * Checked before anything is written:
 * a difference is a broken invariant (InvariantError), never a file.
 */
import { CHANNELS, Channel } from '../domain/types';
import { InvariantError } from '../domain/errors';
import { Decimal, formatMoney, parseMoney } from '../money/money';
import type { Settlement } from './settlement';
import type { RefundRow } from './refunds';

export interface MoneyTotals {
  /** Sum of the amounts paid that can be read as money (manual refunds excluded). */
  amount_paid: string;
  /** Sum of the amounts payable for the shares allotted, at the final price. */
  amount_kept: string;
  /** Sum of the refunds in refunds.csv. */
  amount_refunded: string;
  /** Instructions whose amount paid cannot be read as money: refunded by hand, not in these sums. */
  manual_refunds: number;
}

/** An instruction whose amount paid cannot be read as money: refunded by hand. */
export interface ManualRefund {
  participant_id: string;
  instruction_ref: string;
  channel: Channel;
  file_seq: number;
  line: number;
  /** Field 9 as given. */
  amount_paid_text: string;
  reason_code: string;
}

export interface MoneyReconciliation {
  total: MoneyTotals;
  by_channel: Record<Channel, MoneyTotals>;
  manual_refunds: ManualRefund[];
}

interface Sums { paid: Decimal; kept: Decimal; refunded: Decimal; manual: number }
const zero = (): Sums => ({ paid: new Decimal(0), kept: new Decimal(0), refunded: new Decimal(0), manual: 0 });

function checkBalanced(where: string, s: Sums): void {
  if (!s.paid.equals(s.kept.plus(s.refunded))) {
    throw new InvariantError(`${where}: paid ${s.paid.toFixed(2)} is not kept ${s.kept.toFixed(2)} + refunded ${s.refunded.toFixed(2)}`);
  }
}

function toTotals(s: Sums): MoneyTotals {
  return { amount_paid: formatMoney(s.paid), amount_kept: formatMoney(s.kept), amount_refunded: formatMoney(s.refunded), manual_refunds: s.manual };
}

/** Adds up and checks; throws InvariantError on the first difference of even a cent. */
export function reconcileMoney(settlements: readonly Settlement[], refundRows: readonly RefundRow[]): MoneyReconciliation {
  const total = zero();
  const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, zero()])) as Record<Channel, Sums>;
  const manual: ManualRefund[] = [];
  for (const s of settlements) {
    const channel = byChannel[s.instruction.channel];
    if (s.amount_paid === null || s.refund === null) {
      if (s.status !== 'REJECTED') throw new InvariantError(`${s.key}: a valid application without a readable amount paid`);
      const i = s.instruction;
      manual.push({ participant_id: i.participant_id, instruction_ref: i.instruction_ref, channel: i.channel, file_seq: i.file_seq, line: i.line, amount_paid_text: i.amount_paid_text, reason_code: s.reason_code });
      total.manual += 1;
      channel.manual += 1;
      continue;
    }
    checkBalanced(s.key, { paid: s.amount_paid, kept: s.amount_kept, refunded: s.refund, manual: 0 });
    if (s.refund.lt(0)) throw new InvariantError(`${s.key}: negative refund ${s.refund.toFixed(2)}`);
    for (const sums of [total, channel]) {
      sums.paid = sums.paid.plus(s.amount_paid);
      sums.kept = sums.kept.plus(s.amount_kept);
      sums.refunded = sums.refunded.plus(s.refund);
    }
  }
  checkBalanced('all channels', total);
  for (const c of CHANNELS) checkBalanced(c, byChannel[c]);

  // The file says the same: its rows add up to the refunds settled, overall and per channel, and
  // it has one MANUAL row (amount empty) per manual refund.
  const fileTotal = zero();
  const fileByChannel = Object.fromEntries(CHANNELS.map((c) => [c, new Decimal(0)])) as Record<Channel, Decimal>;
  const fileManual = Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;
  for (const row of refundRows) {
    if (row.method === 'MANUAL') {
      if (row.amount !== '') throw new InvariantError(`manual refund ${row.refund_ref}: amount ${row.amount} where none can be known`);
      fileManual[row.channel as Channel] += 1;
      continue;
    }
    const amount = parseMoney(row.amount);
    if (amount === null || !amount.gt(0)) throw new InvariantError(`refund ${row.refund_ref}: amount ${row.amount} is not a positive amount`);
    fileTotal.refunded = fileTotal.refunded.plus(amount);
    fileByChannel[row.channel as Channel] = fileByChannel[row.channel as Channel].plus(amount);
  }
  if (!fileTotal.refunded.equals(total.refunded)) throw new InvariantError(`refunds.csv adds up to ${fileTotal.refunded.toFixed(2)}, settled ${total.refunded.toFixed(2)}`);
  for (const c of CHANNELS) {
    if (!fileByChannel[c].equals(byChannel[c].refunded)) throw new InvariantError(`refunds.csv ${c} adds up to ${fileByChannel[c].toFixed(2)}, settled ${byChannel[c].refunded.toFixed(2)}`);
    if (fileManual[c] !== byChannel[c].manual) throw new InvariantError(`refunds.csv has ${fileManual[c]} MANUAL rows for ${c}, settled ${byChannel[c].manual}`);
  }
  return {
    total: toTotals(total),
    by_channel: Object.fromEntries(CHANNELS.map((c) => [c, toTotals(byChannel[c])])) as Record<Channel, MoneyTotals>,
    manual_refunds: manual,
  };
}

/** The shares settled per pool are the shares the allocation says it allotted. */
export function reconcileShares(settlements: readonly Settlement[], allotted: { A: number; B: number }): void {
  const sums = { A: 0, B: 0 };
  for (const s of settlements) if (s.pool !== null) sums[s.pool] += s.shares_allotted;
  for (const pool of ['A', 'B'] as const) {
    if (sums[pool] !== allotted[pool]) throw new InvariantError(`pool ${pool}: ${sums[pool]} shares settled, allocation allotted ${allotted[pool]}`);
  }
}
