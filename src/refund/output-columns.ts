/**
 * The output CSVs' columns, declared once as data (spec: outputs.md; more trailing columns may be
 * added, these may never be renamed or reordered) and the one function that renders rows of them:
 * UTF-8, a header row, LF line ends, RFC 4180 quoting where needed.
 */
import { stringify } from 'csv-stringify/sync';

export const RESULT_COLUMNS = [
  'participant_id', 'instruction_ref', 'channel', 'applicant_ids', 'pool', 'shares_applied', 'shares_allotted', 'status', 'reason_code',
] as const;
/** The last two are trailing columns (issue 10): the pool's ballot policy as given, and the exponent used. */
export const BASIS_COLUMNS = ['pool', 'shares_applied', 'valid_applications', 'basis', 'approx_pct_allotted', 'ballot_policy', 'exponent'] as const;
export const REFUND_COLUMNS = [
  'refund_ref', 'participant_id', 'instruction_ref', 'channel', 'method', 'payee_account', 'payee_name', 'amount', 'reason',
  // The ledger columns (docs/treasury.md), trailing so the contract's nine keep their places.
  'file_seq', 'line', 'currency', 'value_date', 'reason_code', 'manual_reason', 'amount_paid_text',
] as const;
/** refunds-summary.csv: the one page treasury signs off (docs/treasury.md). */
export const REFUNDS_SUMMARY_COLUMNS = ['group', 'item', 'rows', 'amount'] as const;
export const DEPOSIT_COLUMNS = ['participant_id', 'stock_account', 'instruction_ref', 'shares'] as const;
export const CERTIFICATE_COLUMNS = ['instruction_ref', 'applicant_name', 'shares', 'delivery'] as const;

/** A row of an output CSV: every cell already text, already neutralised where it is free text. */
export type CsvRow<C extends readonly string[]> = { readonly [K in C[number]]: string };

export function renderCsv<C extends readonly string[]>(columns: C, rows: readonly CsvRow<C>[]): string {
  return stringify(rows as unknown as Record<string, string>[], {
    header: true,
    columns: [...columns],
    record_delimiter: 'unix',
  });
}
