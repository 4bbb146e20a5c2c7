/**
 * refunds.csv: one row per instruction with a refund above zero, sorted by refund_ref
 * (spec: outputs.md). refund_ref is `R` + an 8-digit sequence number over the results order, so
 * it depends only on the book, the price and the seed, never on arrival order or the run.
 *
 * Method: CCASS channels are paid by DIRECT_CREDIT to the participant's designated bank account
 * (registry) in the participant's name; WHITE_FORM by E_REFUND to the refund_account the
 * payment came from when that is a well-formed account, else by CHEQUE, in the applicant's name.
 */
import type { Participant, ParticipantRegistry } from '../domain/types';
import { ConfigInvalidError } from '../domain/errors';
import { formatMoney } from '../money/money';
import { CsvRow, REFUND_COLUMNS } from './output-columns';
import type { Settlement } from './settlement';
import { neutraliseCell } from './spreadsheet-safe';

export type RefundRow = CsvRow<typeof REFUND_COLUMNS>;
export type RefundMethod = 'DIRECT_CREDIT' | 'E_REFUND' | 'CHEQUE';

/** spec: instruction-file.md, D field 11: bank code, branch, account number (3-3-6..12 digits). */
const BANK_ACCOUNT = /^[0-9]{3}-[0-9]{3}-[0-9]{6,12}$/;

export function formatRefundRef(sequence: number): string {
  return `R${String(sequence).padStart(8, '0')}`;
}

function participantOf(registry: ParticipantRegistry, id: string): Participant {
  const p = registry.get(id);
  if (!p) throw new ConfigInvalidError(`participants: ${id} gave instructions but is not in the participant registry; cannot pay its refunds`);
  return p;
}

function payee(s: Settlement, registry: ParticipantRegistry): { method: RefundMethod; payee_account: string; payee_name: string } {
  const i = s.instruction;
  if (i.channel !== 'WHITE_FORM') {
    const p = participantOf(registry, i.participant_id);
    return { method: 'DIRECT_CREDIT', payee_account: p.designated_bank_account, payee_name: p.name };
  }
  // A refund account broken at ingest (the instruction may have been rejected for it) is never paid into.
  if (BANK_ACCOUNT.test(i.refund_account)) return { method: 'E_REFUND', payee_account: i.refund_account, payee_name: i.applicant_name };
  return { method: 'CHEQUE', payee_account: '', payee_name: i.applicant_name };
}

/** The settlements with a refund above zero, in results order, numbered from R00000001. */
export function buildRefundRows(settlements: readonly Settlement[], registry: ParticipantRegistry): RefundRow[] {
  const rows: RefundRow[] = [];
  for (const s of settlements) {
    if (s.refund === null || !s.refund.gt(0) || s.refund_reason === null) continue;
    const { method, payee_account, payee_name } = payee(s, registry);
    rows.push({
      refund_ref: formatRefundRef(rows.length + 1),
      participant_id: neutraliseCell(s.instruction.participant_id),
      instruction_ref: neutraliseCell(s.instruction.instruction_ref),
      channel: s.instruction.channel,
      method,
      payee_account: neutraliseCell(payee_account),
      payee_name: neutraliseCell(payee_name),
      amount: formatMoney(s.refund),
      reason: s.refund_reason,
    });
  }
  return rows;
}
