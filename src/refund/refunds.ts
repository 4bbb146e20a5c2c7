/**
 * refunds.csv, the refund ledger: one row per instruction with money to give back, sorted by
 * refund_ref (spec: outputs.md; docs/formats-output.md, docs/treasury.md).
 *
 * refund_ref: `R` + an 8-digit sequence number over the results order for the refunds paid
 * automatically; `M` + its own 8-digit sequence for the MANUAL ones (amount paid not readable as
 * money). Two sequences, so a refund reference depends only on the book, the price and the seed,
 * and turning up (or clearing) a manual refund never renumbers a payable one. `M` sorts before `R`:
 * the manual rows head the file.
 *
 * Method: CCASS channels are paid by DIRECT_CREDIT to the participant's designated bank account
 * (registry) in the participant's name; WHITE_FORM by E_REFUND to the refund_account the
 * payment came from when that is a well-formed account, else by CHEQUE, in the applicant's name;
 * MANUAL when the amount cannot be read (payee as the automatic method would have it).
 *
 * Ledger columns (trailing): file_seq and line make a row identifiable on its own even when a
 * participant reused an instruction_ref; currency; value_date (the offering's refund dispatch
 * date after any bad-weather move, empty when the offering sets none); reason_code (the rejection's
 * code); manual_reason and amount_paid_text for MANUAL rows.
 */
import type { Participant, ParticipantRegistry, StoredInstruction } from '../domain/types';
import { ConfigInvalidError } from '../domain/errors';
import { formatMoney } from '../money/money';
import type { Offering } from '../offering/schema';
import { effectiveAfterClose } from '../validate/timetable';
import { CsvRow, REFUND_COLUMNS } from './output-columns';
import type { RefundReason, Settlement } from './settlement';
import { neutraliseCell, neutraliseNumberText } from './spreadsheet-safe';

export type RefundRow = CsvRow<typeof REFUND_COLUMNS>;
export type RefundMethod = 'DIRECT_CREDIT' | 'E_REFUND' | 'CHEQUE' | 'MANUAL';
export const REFUND_METHODS: readonly RefundMethod[] = ['DIRECT_CREDIT', 'E_REFUND', 'CHEQUE', 'MANUAL'];

/** Why a MANUAL row cannot be paid automatically: field 9 is not a non-negative `digits.dd` amount. */
export const MANUAL_AMOUNT_NOT_MONEY = 'AMOUNT_NOT_MONEY';

/** spec: instruction-file.md, D field 11: bank code, branch, account number (3-3-6..12 digits). */
export const BANK_ACCOUNT = /^[0-9]{3}-[0-9]{3}-[0-9]{6,12}$/;

/** What every row of one ledger shares: the offering's currency and the refunds' value date. */
export interface RefundLedgerContext {
  currency: string;
  /** `YYYY-MM-DD`, or null when the offering's timetable has no after_close dates. */
  value_date: string | null;
}

/** The value date is the refund dispatch date of the offering's timetable, moved by bad weather. */
export function refundLedgerContext(offering: Offering): RefundLedgerContext {
  return { currency: offering.currency, value_date: effectiveAfterClose(offering)?.refund_dispatch ?? null };
}

export function formatRefundRef(sequence: number): string {
  return `R${String(sequence).padStart(8, '0')}`;
}

export function formatManualRef(sequence: number): string {
  return `M${String(sequence).padStart(8, '0')}`;
}

function participantOf(registry: ParticipantRegistry, id: string): Participant {
  const p = registry.get(id);
  if (!p) throw new ConfigInvalidError(`participants: ${id} gave instructions but is not in the participant registry; cannot pay its refunds`);
  return p;
}

export type Payee = { method: Exclude<RefundMethod, 'MANUAL'>; payee_account: string; payee_name: string };

export function payee(i: StoredInstruction, registry: ParticipantRegistry): Payee {
  if (i.channel !== 'WHITE_FORM') {
    const p = participantOf(registry, i.participant_id);
    return { method: 'DIRECT_CREDIT', payee_account: p.designated_bank_account, payee_name: p.name };
  }
  // A refund account broken at ingest (the instruction may have been rejected for it) is never paid into.
  if (BANK_ACCOUNT.test(i.refund_account)) return { method: 'E_REFUND', payee_account: i.refund_account, payee_name: i.applicant_name };
  return { method: 'CHEQUE', payee_account: '', payee_name: i.applicant_name };
}

/** What a ledger row says of the refund: its amount as text (null for a manual one), why, and the rejection's code. */
export interface LedgerRefund {
  amount: string | null;
  refund_reason: RefundReason | null;
  reason_code: string;
}

export function ledgerRow(i: StoredInstruction, s: LedgerRefund, ref: string, p: Payee, method: RefundMethod, ctx: RefundLedgerContext): RefundRow {
  const manual = method === 'MANUAL';
  return {
    refund_ref: ref,
    participant_id: neutraliseCell(i.participant_id),
    instruction_ref: neutraliseCell(i.instruction_ref),
    channel: i.channel,
    method,
    payee_account: neutraliseCell(p.payee_account),
    payee_name: neutraliseCell(p.payee_name),
    amount: manual || s.amount === null ? '' : s.amount,
    // A manual refund is always of a rejected instruction: a valid one has a readable amount.
    reason: s.refund_reason ?? 'REJECTED',
    file_seq: String(i.file_seq),
    line: String(i.line),
    currency: ctx.currency,
    value_date: ctx.value_date ?? '',
    reason_code: s.reason_code,
    manual_reason: manual ? MANUAL_AMOUNT_NOT_MONEY : '',
    amount_paid_text: manual ? neutraliseNumberText(i.amount_paid_text) : '',
  };
}

/**
 * The ledger rows, sorted by refund_ref: first the MANUAL ones (settled without a readable
 * amount, M00000001...), then those with a refund above zero (R00000001...), each in results order.
 */
export function buildRefundRows(settlements: readonly Settlement[], registry: ParticipantRegistry, ctx: RefundLedgerContext): RefundRow[] {
  const manual: RefundRow[] = [];
  const paid: RefundRow[] = [];
  for (const s of settlements) {
    const refund: LedgerRefund = { amount: s.refund === null ? null : formatMoney(s.refund), refund_reason: s.refund_reason, reason_code: s.reason_code };
    if (s.refund === null) {
      manual.push(ledgerRow(s.instruction, refund, formatManualRef(manual.length + 1), payee(s.instruction, registry), 'MANUAL', ctx));
      continue;
    }
    if (!s.refund.gt(0) || s.refund_reason === null) continue;
    const p = payee(s.instruction, registry);
    paid.push(ledgerRow(s.instruction, refund, formatRefundRef(paid.length + 1), p, p.method, ctx));
  }
  return [...manual, ...paid];
}
