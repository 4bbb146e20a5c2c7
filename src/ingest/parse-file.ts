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
 */
import { Rejection, rejection } from '../domain/reasons';
import { readLineBatches } from './line-reader';
import { firstField, isWellFormedCsvLine, parseCsvLine } from './csv-line';
import { DetailEvent, DetailStream } from './detail-stream';
import { HeaderRecord, parseHeaderRecord } from './header-record';
import { TrailerRecord, parseTrailerRecord } from './trailer-record';
import { ControlTotals, addToControlTotals, emptyControlTotals } from './control-totals';

/** Categories of file-level faults found while parsing, in precedence order. */
export const SHAPE_FAULT_ORDER = ['encoding', 'csv', 'structure', 'header', 'trailer'] as const;
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

/** D lines are fed to the stream parser in batches of this many (or at a non-D line). */
const BATCH_LINES = 512;

export async function* parseInstructionFile(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<ParseEvent> {
  const shape: FileShape = { header: null, trailer: null, trailerSeen: false, faults: {}, totals: emptyControlTotals(), lines: 0 };
  const fault = (category: ShapeFaultCategory, r: Rejection) => {
    if (!shape.faults[category]) shape.faults[category] = r;
  };
  const details = new DetailStream();
  let records = 0;
  let seenHeader = false;
  let pendingBlank: number | null = null;

  for await (const batch of readLineBatches(chunks)) for (const { line, text, utf8 } of batch) {
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
    if (!utf8) {
      fault('encoding', rejection('FILE_NOT_UTF8', line, { extra: `line ${line}` }));
      if (type === 'T') shape.trailerSeen = true;
      continue;
    }
    const wellFormed = isWellFormedCsvLine(text);
    if (!wellFormed) fault('csv', rejection('FILE_NOT_CSV', line, { extra: `line ${line}` }));
    if (shape.trailerSeen) {
      fault('structure', rejection('TRAILER_NOT_LAST', line, { field: 'record_type', value: type }));
      if (type === 'D') addToControlTotals(shape.totals, undefined, undefined);
      continue;
    }
    if (type !== 'D' && details.pending > 0) yield* countDetails(details.flush(), shape.totals);
    if (records === 1 && type !== 'H') fault('structure', rejection('HEADER_MISSING', line, { field: 'record_type', value: type }));
    switch (type) {
      case 'H': {
        if (records !== 1) {
          fault('structure', rejection(seenHeader ? 'HEADER_REPEATED' : 'HEADER_MISSING', line, { field: 'record_type', value: type }));
          break;
        }
        seenHeader = true;
        if (!wellFormed) break;
        const result = parseHeaderRecord(parseCsvLine(text), line);
        if (result.ok) {
          shape.header = result.header;
          yield { kind: 'header', line, header: result.header };
        } else fault('header', result.rejection);
        break;
      }
      case 'D': {
        if (!wellFormed) {
          addToControlTotals(shape.totals, undefined, undefined);
          break;
        }
        details.push(line, text);
        if (details.pending >= BATCH_LINES) yield* countDetails(details.flush(), shape.totals);
        break;
      }
      case 'T': {
        shape.trailerSeen = true;
        if (!wellFormed) break;
        const result = parseTrailerRecord(parseCsvLine(text), line);
        if (result.ok) shape.trailer = result.trailer;
        else fault('trailer', result.rejection);
        break;
      }
      default:
        fault('structure', rejection('RECORD_TYPE_UNKNOWN', line, { field: 'record_type', value: type }));
    }
  }
  yield* countDetails([...details.flush(), ...(await details.end())], shape.totals);
  if (records === 0) fault('structure', rejection('FILE_EMPTY', 0));
  yield { kind: 'end', shape };
}

function* countDetails(events: DetailEvent[], totals: ControlTotals): Generator<DetailEvent> {
  for (const ev of events) {
    if (ev.kind === 'detail') addToControlTotals(totals, ev.fields.shares, ev.fields.amount_paid);
    else addToControlTotals(totals, ev.fields[7], ev.fields[8]);
    yield ev;
  }
}
