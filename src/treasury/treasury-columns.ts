/**
 * The columns of the files a payment run writes besides the payment file (docs/treasury.md),
 * declared once. Text cells taken from refunds.csv are written as they are there (already
 * spreadsheet-safe); the manual list is refunds.csv's own rows, byte for byte.
 */
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
