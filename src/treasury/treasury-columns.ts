/**
 * The files a payment run writes besides the payment file (docs/treasury.md): their names, their
 * columns declared once, and their records. Text cells taken from refunds.csv are written as they
 * are there (already spreadsheet-safe); the manual list is refunds.csv's own rows, byte for byte.
 */
import { formatCsvRecord } from './csv-record';
import type { LedgerIndex, LedgerRefund } from './ledger-row';

export const CHEQUE_REGISTER_COLUMNS = [
  'cheque_number', 'refund_ref', 'participant_id', 'instruction_ref', 'file_seq', 'line', 'payee_name',
  'address_line_1', 'address_line_2', 'address_line_3', 'address_line_4', 'amount', 'currency', 'value_date', 'reason',
] as const;

export const REMITTANCE_ADVICE_COLUMNS = [
  'end_to_end_id', 'refund_ref', 'participant_id', 'instruction_ref', 'file_seq', 'line', 'channel', 'method',
  'payee_account', 'payee_name', 'amount', 'currency', 'value_date', 'reason', 'msg_id',
] as const;

export const CHEQUE_REGISTER_FILE = 'cheque-register.csv';
export const REMITTANCE_ADVICE_FILE = 'remittance-advice.csv';
export const MANUAL_LIST_FILE = 'manual-refunds.csv';
export const PAYMENT_RUN_FILE = 'payment-run.json';

export function paymentFileName(valueDate: string): string {
  return `pain001-${valueDate}.xml`;
}

/** A refunds.csv cell as written there (still spreadsheet-safe). */
const cell = (row: LedgerRefund, idx: LedgerIndex, c: keyof LedgerIndex): string => row.cells[idx[c]]!;

export function chequeRegisterRecord(row: LedgerRefund, idx: LedgerIndex, number: string, amount: string, valueDate: string): string {
  const cells: Record<(typeof CHEQUE_REGISTER_COLUMNS)[number], string> = {
    cheque_number: number, refund_ref: row.refund_ref, participant_id: cell(row, idx, 'participant_id'), instruction_ref: cell(row, idx, 'instruction_ref'),
    file_seq: row.file_seq, line: row.line, payee_name: cell(row, idx, 'payee_name'),
    // The instruction file carries no postal address: the registrar fills these from the application records.
    address_line_1: '', address_line_2: '', address_line_3: '', address_line_4: '',
    amount, currency: row.currency, value_date: valueDate, reason: row.reason,
  };
  return formatCsvRecord(CHEQUE_REGISTER_COLUMNS.map((c) => cells[c]));
}

export function remittanceAdviceRecord(row: LedgerRefund, idx: LedgerIndex, paid: { e2e: string; method: string; amount: string; valueDate: string; msgId: string }): string {
  const cells: Record<(typeof REMITTANCE_ADVICE_COLUMNS)[number], string> = {
    end_to_end_id: paid.e2e, refund_ref: row.refund_ref, participant_id: cell(row, idx, 'participant_id'), instruction_ref: cell(row, idx, 'instruction_ref'),
    file_seq: row.file_seq, line: row.line, channel: row.channel, method: paid.method, payee_account: cell(row, idx, 'payee_account'),
    payee_name: cell(row, idx, 'payee_name'), amount: paid.amount, currency: row.currency, value_date: paid.valueDate, reason: row.reason, msg_id: paid.msgId,
  };
  return formatCsvRecord(REMITTANCE_ADVICE_COLUMNS.map((c) => cells[c]));
}
