/**
 * Bytes of one instruction file to a stream of records, each with its line (spec:
 * instruction-file.md, "Encoding" and "Records"). Ingest decides shape: encoding, CSV, record
 * order, header, trailer and field count. Whether records are acceptable is validate's business.
 *
 * The stream yields the header (when well-formed), then the D records in line order, then one
 * `end` event carrying the file's shape: trailer, control totals and the first fault found in each
 * category. Parsing always reads to the end so that a fault of a higher precedence further down
 * (e.g. bytes that are not UTF-8 at the last line) wins over an earlier one of a lower precedence.
 *
 * Record order (choices where the spec is silent are marked *):
 *  - the first non-blank line must be H (else HEADER_MISSING at that line);
 *  - a second H is HEADER_REPEATED; a line whose first field is not H, D or T is RECORD_TYPE_UNKNOWN;
 *  - any record after the T is TRAILER_NOT_LAST (at that record's line);
 *  - * blank lines (empty, or only spaces and tabs) are tolerated only at the end of the file; a
 *    blank line followed by a record is RECORD_TYPE_UNKNOWN at the blank line;
 *  - no T at all: the file is incomplete (decided by the caller); no record at all: FILE_EMPTY.
 *
 * Limits (docs/limits.md): more bytes than `max_file_bytes`, a line longer than `max_line_bytes`,
 * a field longer than `max_field_bytes` or more than `max_records` records is a `limit` fault, the
 * first in precedence, and parsing stops there (a breach can only grow with the file, so nothing
 * further down could change the verdict). Each check is O(1) for an ordinary line: only a line
 * whose length could hold a field over the limit is split to measure its fields.
 *
 * A first field that is not a record type is echoed masked (maskFreeText): a line written with
 * `;` or tab separators is one field, applicant ID included.
 */
import { Rejection, rejection } from '../domain/reasons';
import { maskFreeText } from '../domain/mask';
import { DEFAULT_INGEST_LIMITS, IngestLimits } from '../offering/ingest-limit-defaults';
import { ByteChunks, LineReaderLimit, readLineBatches, utf8Length } from './line-reader';
import { firstField, isWellFormedCsvLine, splitWellFormedCsvLine } from './csv-line';
import { DETAIL_FIELDS, DetailFields, HEADER_FIELDS, TRAILER_FIELDS } from './record-layout';
import type { DetailEvent } from './detail-stream';
import { HeaderRecord, parseHeaderRecord } from './header-record';
import { TrailerRecord, parseTrailerRecord } from './trailer-record';
import { ControlTotals, ControlTotalsAdder, addToControlTotals, emptyControlTotals } from './control-totals';

/** Categories of file-level faults found while parsing, in precedence order. */
export const SHAPE_FAULT_ORDER = ['limit', 'encoding', 'csv', 'structure', 'header', 'trailer'] as const;
export type ShapeFaultCategory = (typeof SHAPE_FAULT_ORDER)[number];

export interface FileShape {
  header: HeaderRecord | null;
  trailer: TrailerRecord | null;
  /** A T record was seen (the end marker), even a malformed one. */
  trailerSeen: boolean;
  /** The first fault of each category. */
  faults: Partial<Record<ShapeFaultCategory, Rejection>>;
  totals: ControlTotals;
  /** Lines read. */
  lines: number;
}

export type ParseEvent =
  | { kind: 'header'; line: number; header: HeaderRecord }
  | DetailEvent
  | { kind: 'end'; shape: FileShape };

/** A blank line: empty, or only spaces and tabs (an editor's leftovers). */
const BLANK = /^[ \t]*$/;

/**
 * D records are counted into the control totals in batches of this many (or at a non-D line). A
 * limit fault drops the batch not yet counted (the file is rejected whole): kept as it was when a
 * stream parser fed in batches counted them, so the records reported of such a file do not change.
 */
const BATCH_LINES = 512;

/** The 12 values by name, in DETAIL_FIELDS order (an object literal: one shape, no keyed stores). */
function toFields(v: readonly string[]): DetailFields {
  return {
    record_type: v[0]!, instruction_ref: v[1]!, input_time: v[2]!, applicant_id_type: v[3]!, applicant_id: v[4]!, applicant_name: v[5]!,
    joint_applicants: v[6]!, shares: v[7]!, amount_paid: v[8]!, stock_account: v[9]!, refund_account: v[10]!, payment_time: v[11]!,
  };
}

/** A well-formed D line as its event: 12 fields, or a field-count fault with the fields it has. */
function detailEvent(line: number, text: string): DetailEvent {
  const fields = splitWellFormedCsvLine(text);
  return fields.length === DETAIL_FIELDS.length ? { kind: 'detail', line, fields: toFields(fields) } : { kind: 'detail-field-count', line, fields };
}

/**
 * The file's first `max` bytes exactly (whatever the chunks), setting `over` when there are more:
 * what is parsed of a file too large never depends on how it was read.
 */
async function* countedChunks(chunks: ByteChunks, max: number, seen: { bytes: number; over: boolean }): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    if (seen.bytes + chunk.length > max) {
      seen.over = true;
      if (max > seen.bytes) yield chunk.subarray(0, max - seen.bytes);
      seen.bytes = max;
      return;
    }
    seen.bytes += chunk.length;
    yield chunk;
  }
}

/** The first field of a line longer than the limit, or null. Only called for long lines. */
function longField(text: string, type: string, maxBytes: number): { field: string; bytes: number } | null {
  const fields = isWellFormedCsvLine(text) ? splitWellFormedCsvLine(text) : text.split(',');
  const names: readonly string[] = type === 'H' ? HEADER_FIELDS : type === 'D' ? DETAIL_FIELDS : type === 'T' ? TRAILER_FIELDS : [];
  for (let i = 0; i < fields.length; i++) {
    const bytes = utf8Length(fields[i]!);
    if (bytes > maxBytes) return { field: names[i] ?? `field ${i + 1}`, bytes };
  }
  return null;
}

/** How a first field that is not H, D or T is echoed: short ones as written, others masked. */
function recordTypeEcho(type: string, text: string): { field: string; value: string; extra?: string } {
  const value = type.length <= 3 ? type : maskFreeText(type);
  if (text.indexOf(',') >= 0) return { field: 'record_type', value };
  const separator = text.includes('\t') ? 'tabs' : text.includes(';') ? '";"' : text.includes('|') ? '"|"' : null;
  return separator ? { field: 'record_type', value, extra: `the line has no comma: fields are separated by commas, not ${separator}` } : { field: 'record_type', value };
}

const n = (x: number) => x.toLocaleString('en-US');

export async function* parseInstructionFile(chunks: ByteChunks, limits: IngestLimits = DEFAULT_INGEST_LIMITS): AsyncGenerator<ParseEvent> {
  for await (const batch of parseInstructionFileBatches(chunks, limits)) yield* batch;
}

/** The same events, a chunk's worth at a time (one await per chunk of the file, not per record). */
export async function* parseInstructionFileBatches(chunks: ByteChunks, limits: IngestLimits = DEFAULT_INGEST_LIMITS): AsyncGenerator<ParseEvent[]> {
  const shape: FileShape = { header: null, trailer: null, trailerSeen: false, faults: {}, totals: emptyControlTotals(), lines: 0 };
  const fault = (category: ShapeFaultCategory, r: Rejection) => {
    if (!shape.faults[category]) shape.faults[category] = r;
  };
  /** D records read and not yet counted (BATCH_LINES). */
  let details: DetailEvent[] = [];
  let out: ParseEvent[] = [];
  const flushDetails = () => {
    countDetails(details, shape.totals, out);
    details = [];
  };
  let records = 0;
  let seenHeader = false;
  let pendingBlank: number | null = null;
  const size = { bytes: 0, over: false };
  const lineLimit: LineReaderLimit = { maxLineBytes: limits.max_line_bytes, lineTooLong: null };
  // A line of n UTF-16 units has at most 3n UTF-8 bytes: below this length no field can be too long.
  const fieldGate = Math.floor(limits.max_field_bytes / 3);

  lines: for await (const batch of readLineBatches(countedChunks(chunks, limits.max_file_bytes, size), lineLimit)) {
    for (const { line, text, utf8 } of batch) {
      shape.lines = line;
      if (text === '' || BLANK.test(text)) {
        if (pendingBlank === null) pendingBlank = line;
        continue;
      }
      if (pendingBlank !== null) {
        fault('structure', rejection('RECORD_TYPE_UNKNOWN', pendingBlank, { field: 'record_type', value: '', extra: 'a blank line is allowed only at the end of the file' }));
        pendingBlank = null;
      }
      const type = firstField(text);
      records += 1;
      if (records > limits.max_records) {
        fault('limit', rejection('TOO_MANY_RECORDS', line, { extra: `more than ${n(limits.max_records)}: ingest_limits.max_records` }));
        break lines;
      }
      if (text.length > fieldGate) {
        const long = longField(text, type, limits.max_field_bytes);
        if (long) {
          fault('limit', rejection('FIELD_TOO_LONG', line, { field: long.field, extra: `${n(long.bytes)} bytes at line ${line}, at most ${n(limits.max_field_bytes)}: ingest_limits.max_field_bytes` }));
          break lines;
        }
      }
      if (!utf8) {
        fault('encoding', rejection('FILE_NOT_UTF8', line, { extra: `line ${line}` }));
        if (type === 'T') shape.trailerSeen = true;
        continue;
      }
      const wellFormed = isWellFormedCsvLine(text);
      if (!wellFormed) fault('csv', rejection('FILE_NOT_CSV', line, { extra: `line ${line}` }));
      if (shape.trailerSeen) {
        fault('structure', rejection('TRAILER_NOT_LAST', line, recordTypeEcho(type, text)));
        if (type === 'D') addToControlTotals(shape.totals, undefined, undefined);
        continue;
      }
      if (type !== 'D' && details.length > 0) flushDetails();
      if (records === 1 && type !== 'H') fault('structure', rejection('HEADER_MISSING', line, recordTypeEcho(type, text)));
      switch (type) {
        case 'H': {
          if (records !== 1) {
            fault('structure', rejection(seenHeader ? 'HEADER_REPEATED' : 'HEADER_MISSING', line, recordTypeEcho(type, text)));
            break;
          }
          seenHeader = true;
          if (!wellFormed) break;
          const result = parseHeaderRecord(splitWellFormedCsvLine(text), line);
          if (result.ok) {
            shape.header = result.header;
            out.push({ kind: 'header', line, header: result.header });
          } else fault('header', result.rejection);
          break;
        }
        case 'D': {
          if (!wellFormed) {
            addToControlTotals(shape.totals, undefined, undefined);
            break;
          }
          details.push(detailEvent(line, text));
          if (details.length >= BATCH_LINES) flushDetails();
          break;
        }
        case 'T': {
          shape.trailerSeen = true;
          if (!wellFormed) break;
          const result = parseTrailerRecord(splitWellFormedCsvLine(text), line);
          if (result.ok) shape.trailer = result.trailer;
          else fault('trailer', result.rejection);
          break;
        }
        default:
          fault('structure', rejection('RECORD_TYPE_UNKNOWN', line, recordTypeEcho(type, text)));
      }
    }
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  if (lineLimit.lineTooLong !== null) fault('limit', rejection('LINE_TOO_LONG', lineLimit.lineTooLong, { extra: `line ${lineLimit.lineTooLong} is over ${n(limits.max_line_bytes)} bytes: ingest_limits.max_line_bytes` }));
  // Last among the limits: a breach inside the first max_file_bytes is found however the file was
  // read, whether the bytes beyond were seen yet or not. (The pipeline decides FILE_TOO_LARGE from
  // the file's size before reading it; this catches a file that grew while it was read.)
  if (size.over) fault('limit', rejection('FILE_TOO_LARGE', 0, { extra: `more than ${n(limits.max_file_bytes)} bytes: ingest_limits.max_file_bytes` }));
  // After a limit fault the file is rejected whole: the records not yet counted do not matter.
  if (!shape.faults.limit) flushDetails();
  if (records === 0) fault('structure', rejection('FILE_EMPTY', 0));
  out.push({ kind: 'end', shape });
  yield out;
}

function countDetails(events: readonly DetailEvent[], totals: ControlTotals, out: ParseEvent[]): void {
  const adder = new ControlTotalsAdder(totals);
  for (const ev of events) {
    if (ev.kind === 'detail') adder.add(ev.fields.shares, ev.fields.amount_paid);
    else adder.add(ev.fields[7], ev.fields[8]);
    out.push(ev);
  }
  adder.fold();
}
