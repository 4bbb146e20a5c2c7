/**
 * The lines of a stored file (`store/files/<participant_id>/<sha256>.jsonl`), one instruction a
 * line, in one of two formats named by the meta's `store_format`:
 *
 *   1 (meta without `store_format`: written before issue 9) one StoredInstruction as a JSON object
 *     a line, the file's constants (participant_id, channel, file_seq, file_sha256, file_name)
 *     repeated on every line: about 550 bytes an instruction.
 *   2 one JSON array a line, the instruction's own fields only, in this order:
 *
 *       [line, instruction_ref, input_time, applicant_ids, applicant_name, shares_text, shares,
 *        amount_paid_text, amount_paid, stock_account, refund_account, payment_time, reason_code,
 *        detail]
 *
 *     The file's constants are read from its meta; `status` is REJECTED when reason_code is not
 *     null, else ACCEPTED (the only two states an instruction is stored in). About 1.2 times the
 *     bytes of the D record.
 *
 * Both are still JSON lines: LF ends every line and JSON never holds a raw LF, so a reader splits
 * on the LF byte before decoding. Every format ever written is read; only the newest is written.
 */
import type { Channel, StoredInstruction } from '../domain/types';
import { InvariantError, StorageError } from '../domain/errors';

/** The format written now. */
export const STORE_FORMAT = 2;

/** What every line of one stored file shares (its meta holds it). */
export interface StoredFileConstants {
  participant_id: string;
  channel: Channel;
  file_seq: number;
  file_sha256: string;
  file_name: string;
}

const ROW_FIELDS = 14;

/** The file's constants of an instruction (to check a row belongs to the file it is written to). */
export function constantsOf(si: StoredInstruction): StoredFileConstants {
  return { participant_id: si.participant_id, channel: si.channel, file_seq: si.file_seq, file_sha256: si.file_sha256, file_name: si.file_name };
}

export function sameConstants(a: StoredFileConstants, b: StoredFileConstants): boolean {
  return a.participant_id === b.participant_id && a.channel === b.channel && a.file_seq === b.file_seq && a.file_sha256 === b.file_sha256 && a.file_name === b.file_name;
}

/** Text JSON writes as it is between quotes: no quote, backslash, control character or surrogate. */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** A string as JSON.stringify writes it (the common case without escapes, directly). */
function q(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** A whole number, a string or null as JSON.stringify writes it. */
function n(value: number | null): string {
  return value === null ? 'null' : Number.isSafeInteger(value) ? String(value) : JSON.stringify(value);
}

/**
 * One instruction as a format-2 line, with its LF: the bytes of JSON.stringify of the row (a
 * test holds them equal), written directly: the ingest writes a million of them.
 */
export function encodeStoredRow(si: StoredInstruction): string {
  if ((si.status === 'REJECTED') !== (si.reason_code !== null)) {
    throw new InvariantError(`stored instruction at line ${si.line}: status ${si.status} with reason code ${String(si.reason_code)}`);
  }
  const plainIds = si.applicant_ids.join('');
  // One test over every text of the row: when none needs an escape (nearly always), no field does.
  if (PLAIN.test(si.instruction_ref + si.input_time + plainIds + si.applicant_name + si.shares_text + si.amount_paid_text + (si.amount_paid ?? '') + si.stock_account + si.refund_account + si.payment_time + (si.reason_code ?? '') + si.detail)) {
    const ids = si.applicant_ids.length === 0 ? '' : `"${si.applicant_ids.join('","')}"`;
    return (
      `[${n(si.line)},"${si.instruction_ref}","${si.input_time}",[${ids}],"${si.applicant_name}","${si.shares_text}",${n(si.shares)},` +
      `"${si.amount_paid_text}",${si.amount_paid === null ? 'null' : `"${si.amount_paid}"`},"${si.stock_account}","${si.refund_account}","${si.payment_time}",` +
      `${si.reason_code === null ? 'null' : `"${si.reason_code}"`},"${si.detail}"]\n`
    );
  }
  let ids = '';
  for (let i = 0; i < si.applicant_ids.length; i++) ids += (i === 0 ? '' : ',') + q(si.applicant_ids[i]!);
  return (
    `[${n(si.line)},${q(si.instruction_ref)},${q(si.input_time)},[${ids}],${q(si.applicant_name)},${q(si.shares_text)},${n(si.shares)},` +
    `${q(si.amount_paid_text)},${si.amount_paid === null ? 'null' : q(si.amount_paid)},${q(si.stock_account)},${q(si.refund_account)},${q(si.payment_time)},` +
    `${si.reason_code === null ? 'null' : q(si.reason_code)},${q(si.detail)}]\n`
  );
}

const isText = (v: unknown): v is string => typeof v === 'string';
const isTextOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** A format-2 row back into the instruction it was written from (same fields, same order). */
export function decodeStoredRow(row: unknown, file: StoredFileConstants, where: string): StoredInstruction {
  const r = row as unknown[];
  if (
    !Array.isArray(r) || r.length !== ROW_FIELDS || typeof r[0] !== 'number' || !isText(r[1]) || !isText(r[2]) || !Array.isArray(r[3]) || !(r[3] as unknown[]).every(isText) ||
    !isText(r[4]) || !isText(r[5]) || !(r[6] === null || typeof r[6] === 'number') || !isText(r[7]) || !isTextOrNull(r[8]) || !isText(r[9]) || !isText(r[10]) ||
    !isText(r[11]) || !isTextOrNull(r[12]) || !isText(r[13])
  ) {
    throw new StorageError(`the store was changed after ingest: ${where} holds a line that is not a stored instruction`);
  }
  return {
    participant_id: file.participant_id,
    channel: file.channel,
    file_seq: file.file_seq,
    file_sha256: file.file_sha256,
    file_name: file.file_name,
    line: r[0] as number,
    instruction_ref: r[1] as string,
    input_time: r[2] as string,
    applicant_ids: r[3] as string[],
    applicant_name: r[4] as string,
    shares_text: r[5] as string,
    shares: r[6] as number | null,
    amount_paid_text: r[7] as string,
    amount_paid: r[8] as string | null,
    stock_account: r[9] as string,
    refund_account: r[10] as string,
    payment_time: r[11] as string,
    status: r[12] === null ? 'ACCEPTED' : 'REJECTED',
    reason_code: r[12] as string | null,
    detail: r[13] as string,
  };
}

/** The instruction_ref of a format-2 row without building the instruction (loading the book's refs). */
export function refOfStoredRow(row: unknown, where: string): string {
  const r = row as unknown[];
  if (!Array.isArray(r) || !isText(r[1])) throw new StorageError(`the store was changed after ingest: ${where} holds a line that is not a stored instruction`);
  return r[1];
}

function notJson(where: string): StorageError {
  return new StorageError(`the store was changed after ingest: ${where} holds a line that is not valid JSON`);
}

/**
 * The lines of bytes[0, end) (LF-separated, empty lines skipped), each decoded from UTF-8 on its
 * own. V8 decodes a buffer that mixes ASCII lines and lines with Chinese names about twice as
 * slowly whole as line by line, and JSON.parse reads short strings faster than slices of a long
 * one; an LF byte never occurs inside a multi-byte character, so the strings are those of decoding
 * the whole buffer and splitting it.
 */
export function storedLines(bytes: Buffer, end = bytes.length): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < end) {
    let lf = bytes.indexOf(0x0a, start);
    if (lf < 0 || lf > end) lf = end;
    if (lf > start) lines.push(bytes.toString('utf8', start, lf));
    start = lf + 1;
  }
  return lines;
}

/** Each line parsed as JSON. */
export function parseJsonLines(lines: readonly string[], where: string): unknown[] {
  const out: unknown[] = new Array(lines.length);
  try {
    for (let i = 0; i < lines.length; i++) out[i] = JSON.parse(lines[i]!);
  } catch {
    throw notJson(where);
  }
  return out;
}

/** Format-2 rows as instructions. */
function decodeStoredRows(values: readonly unknown[], file: StoredFileConstants, where: string): StoredInstruction[] {
  const out: StoredInstruction[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = decodeStoredRow(values[i], file, where);
  return out;
}

/** The instructions of lines of a stored file (storedLines) in the file's format. */
export function decodeStoredLines(lines: readonly string[], format: number, file: StoredFileConstants, where: string): StoredInstruction[] {
  const values = parseJsonLines(lines, where);
  return format === 1 ? (values as StoredInstruction[]) : decodeStoredRows(values, file, where);
}

/** A backslash (an escape) or a control character: a line with one is left to JSON.parse. */
const NOT_PLAIN_LINE = /[\\\u0000-\u001f]/;
const MAX_PLAIN_DIGITS = 15;

/**
 * The format-2 row of text[start, end) (one line, no LF) read directly, or null when it is not in
 * the exact shape encodeStoredRow writes without escapes (then JSON.parse reads it, or names the
 * fault). When not null, the values are those JSON.parse gives: every string is the text between
 * two quotes with no backslash in the line, so nothing is escaped; every number is at most 15
 * plain digits without a leading zero. About three times faster than JSON.parse, but the strings
 * may be slices of `text` (they keep it in memory): for rows used and dropped (pass 2 of the
 * allocation), never for rows kept.
 */
export function scanStoredRow(text: string, start: number, end: number): unknown[] | null {
  if (text.charCodeAt(start) !== 0x5b || text.charCodeAt(end - 1) !== 0x5d) return null;
  const out: unknown[] = new Array(ROW_FIELDS);
  let i = start + 1;
  for (let k = 0; k < ROW_FIELDS; k++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const q = text.indexOf('"', i + 1);
      if (q < 0 || q >= end) return null;
      out[k] = text.slice(i + 1, q);
      i = q + 1;
    } else if (c === 0x6e) {
      if (!text.startsWith('null', i)) return null;
      out[k] = null;
      i += 4;
    } else if (c === 0x5b) {
      const ids: string[] = [];
      i += 1;
      if (text.charCodeAt(i) === 0x5d) i += 1;
      else {
        for (;;) {
          if (text.charCodeAt(i) !== 0x22) return null;
          const q = text.indexOf('"', i + 1);
          if (q < 0 || q >= end) return null;
          ids.push(text.slice(i + 1, q));
          const d = text.charCodeAt(q + 1);
          i = q + 2;
          if (d === 0x5d) break;
          if (d !== 0x2c) return null;
        }
      }
      out[k] = ids;
    } else if (c >= 0x30 && c <= 0x39) {
      let j = i;
      let v = 0;
      while (j < end) {
        const d = text.charCodeAt(j);
        if (d < 0x30 || d > 0x39) break;
        v = v * 10 + (d - 0x30);
        j += 1;
      }
      if (j - i > MAX_PLAIN_DIGITS || (c === 0x30 && j - i > 1)) return null;
      out[k] = v;
      i = j;
    } else return null;
    if (k < ROW_FIELDS - 1) {
      if (text.charCodeAt(i) !== 0x2c) return null;
      i += 1;
    } else if (i !== end - 1) return null;
  }
  return out;
}

/**
 * decodeStoredLines for rows used and dropped at once (pass 2 of the allocation): format-2 lines
 * without escapes read by scanStoredRow, the others by JSON.parse; the same instructions, the same
 * faults. Their strings may be slices of the lines (scanStoredRow): never hold them.
 */
export function decodeStoredLinesTransient(lines: readonly string[], format: number, file: StoredFileConstants, where: string): StoredInstruction[] {
  if (format === 1) return decodeStoredLines(lines, format, file, where);
  const values: unknown[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let row: unknown = NOT_PLAIN_LINE.test(line) ? null : scanStoredRow(line, 0, line.length);
    if (row === null) {
      try {
        row = JSON.parse(line);
      } catch {
        throw notJson(where);
      }
    }
    values[i] = row;
  }
  return decodeStoredRows(values, file, where);
}
