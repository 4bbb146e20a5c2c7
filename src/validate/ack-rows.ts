/**
 * Acknowledgement rows (spec: instruction-file.md, "What a file gets back"): a mapping over the
 * verdicts. Header `line,instruction_ref,status,reason_code,detail`; one row per D record, or a
 * single FILE_REJECTED or DUPLICATE_FILE row. Rendered with csv-stringify, LF line ends.
 *
 * Spreadsheet safety: a cell that would begin with = + - @ (or a tab or CR) is prefixed with a
 * single quote. A well-formed instruction_ref (letters, digits, hyphens) is echoed as given, the
 * participant's own key; any other is cut and masked (maskUntrusted: it may be the rest of a line
 * written with `;`, applicant ID included).
 */
import { stringify } from 'csv-stringify/sync';
import type { StoredInstruction } from '../domain/types';
import { Rejection, rejection } from '../domain/reasons';
import { maskUntrusted } from '../domain/mask';

export const ACK_COLUMNS = ['line', 'instruction_ref', 'status', 'reason_code', 'detail'] as const;

export type AckStatus = 'ACCEPTED' | 'REJECTED' | 'FILE_REJECTED' | 'DUPLICATE_FILE';

export interface AckRow {
  line: number;
  instruction_ref: string;
  status: AckStatus;
  reason_code: string;
  detail: string;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const WELL_FORMED_REF = /^[A-Za-z0-9-]{1,32}$/;

export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function ackRowOf(si: StoredInstruction): AckRow {
  return { line: si.line, instruction_ref: si.instruction_ref, status: si.status, reason_code: si.reason_code ?? '', detail: si.detail };
}

export function fileRejectedRow(r: Rejection): AckRow {
  return { line: r.line, instruction_ref: '', status: 'FILE_REJECTED', reason_code: r.code, detail: r.detail };
}

export function duplicateFileRow(): AckRow {
  const r = rejection('DUPLICATE_FILE', 0);
  return { line: 0, instruction_ref: '', status: 'DUPLICATE_FILE', reason_code: r.code, detail: r.detail };
}

/** The header line, with its line end. */
export function ackHeaderLine(): string {
  return ACK_COLUMNS.join(',') + '\n';
}

function cells(row: AckRow): string[] {
  const ref = WELL_FORMED_REF.test(row.instruction_ref) ? row.instruction_ref : neutraliseCell(maskUntrusted(row.instruction_ref));
  return [String(row.line), ref, row.status, row.reason_code, neutraliseCell(row.detail)];
}

/** One row as a CSV line with its LF. */
export function ackLine(row: AckRow): string {
  return stringify([cells(row)], { record_delimiter: 'unix' });
}

const NEEDS_QUOTES = /[",\n]/;

/**
 * A cell as csv-stringify writes it with its defaults (the same bytes, a property test holds them
 * equal): quoted when it holds a quote, a comma or LF (not CR: it is not the record delimiter), its quotes doubled.
 */
function csvCell(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Several rows: the same bytes as their ackLine()s joined (without a CSV library: the ingest's hot path). */
export function ackLines(rows: readonly AckRow[]): string {
  let out = '';
  for (const row of rows) {
    // Nearly every row: an accepted instruction, whose well-formed ref (letters, digits, hyphens)
    // and number need neither quotes nor neutralising, and whose reason and detail are empty.
    if (row.status === 'ACCEPTED' && row.reason_code === '' && row.detail === '' && WELL_FORMED_REF.test(row.instruction_ref)) {
      out += `${row.line},${row.instruction_ref},ACCEPTED,,\n`;
      continue;
    }
    const c = cells(row);
    out += `${csvCell(c[0]!)},${csvCell(c[1]!)},${csvCell(c[2]!)},${csvCell(c[3]!)},${csvCell(c[4]!)}\n`;
  }
  return out;
}
