/**
 * A row of refunds.csv, the refund ledger (docs/formats-output.md), read back for a payment run.
 * The file was written by this system and its bytes checked against manifest.json before a row is
 * read, so a row that does not parse is a broken invariant; a file without the ledger columns
 * (written before they existed) is a usage error: allocate again.
 */
import { InvariantError, UsageError } from '../domain/errors';
import { parseCents } from '../money/cents';
import { REFUND_COLUMNS } from '../refund/output-columns';
import { restoreCell } from '../refund/spreadsheet-safe';

export type LedgerColumn = (typeof REFUND_COLUMNS)[number];
export type LedgerIndex = Record<LedgerColumn, number>;

export interface LedgerRefund {
  refund_ref: string;
  /** `R` (paid automatically) or `M` (MANUAL). */
  kind: 'R' | 'M';
  /** The number after the letter, 1-based. */
  seq: number;
  /** The text as given (spreadsheet neutralisation undone), for the payment file. */
  participant_id: string;
  instruction_ref: string;
  payee_name: string;
  channel: string;
  method: string;
  payee_account: string;
  /** Null for a MANUAL row. */
  amount_cents: bigint | null;
  reason: string;
  file_seq: string;
  line: string;
  currency: string;
  /** `YYYY-MM-DD` or '' when the offering set no refund dispatch date. */
  value_date: string;
  /** The record's cells exactly as in refunds.csv (still neutralised), for the CSVs treasury opens. */
  cells: readonly string[];
}

const REF = /^([RM])([0-9]{8,})$/;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** Where each ledger column is in the header; UsageError when any is missing. */
export function indexLedgerHeader(header: readonly string[]): LedgerIndex {
  const missing = REFUND_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new UsageError(`refunds.csv has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}: it was written before refunds.csv became a ledger; allocate again`);
  }
  return Object.fromEntries(REFUND_COLUMNS.map((c) => [c, header.indexOf(c)])) as LedgerIndex;
}

export function readLedgerRow(cells: readonly string[], idx: LedgerIndex, line: number): LedgerRefund {
  const cell = (c: LedgerColumn): string => {
    const v = cells[idx[c]];
    if (v === undefined) throw new InvariantError(`refunds.csv line ${line}: ${cells.length} fields, no ${c}`);
    return v;
  };
  const refund_ref = cell('refund_ref');
  const m = REF.exec(refund_ref);
  if (!m) throw new InvariantError(`refunds.csv line ${line}: refund_ref "${refund_ref}" is not R or M and 8 digits`);
  const kind = m[1] as 'R' | 'M';
  const method = cell('method');
  const amountText = cell('amount');
  let amount_cents: bigint | null = null;
  if (kind === 'M') {
    if (method !== 'MANUAL' || amountText !== '') throw new InvariantError(`refunds.csv line ${line}: ${refund_ref} must be MANUAL without an amount`);
  } else {
    amount_cents = parseCents(amountText);
    if (method === 'MANUAL' || amount_cents === null || amount_cents <= 0n) {
      throw new InvariantError(`refunds.csv line ${line}: ${refund_ref} ${method} amount "${amountText}" is not a refund above zero`);
    }
  }
  const value_date = cell('value_date');
  if (value_date !== '' && !DATE.test(value_date)) throw new InvariantError(`refunds.csv line ${line}: value_date "${value_date}" is not a date`);
  return {
    refund_ref, kind, seq: Number(m[2]),
    participant_id: restoreCell(cell('participant_id')),
    instruction_ref: restoreCell(cell('instruction_ref')),
    payee_name: restoreCell(cell('payee_name')),
    channel: cell('channel'),
    method,
    payee_account: restoreCell(cell('payee_account')),
    amount_cents,
    reason: cell('reason'),
    file_seq: cell('file_seq'),
    line: cell('line'),
    currency: cell('currency'),
    value_date,
    cells,
  };
}
