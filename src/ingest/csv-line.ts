/**
 * One CSV line on its own (spec: instruction-file.md, "Encoding": RFC 4180, each line one record,
 * no embedded line ends). Used to route lines by record type and to parse the few lines that are
 * not D records; D records go through the streaming parser in detail-stream.ts.
 */
import { parse } from 'csv-parse/sync';

const FIELD = '(?:"(?:[^"]|"")*"|[^",]*)';
/** A well-formed RFC 4180 line: quoted fields closed, quotes only around or doubled inside a field. */
const WELL_FORMED = new RegExp(`^${FIELD}(?:,${FIELD})*$`);

/**
 * True when the line is one complete RFC 4180 record. A line with an unbalanced quote would make a
 * stream parser swallow the next line; checking first keeps that a file-level FILE_NOT_CSV.
 */
export function isWellFormedCsvLine(text: string): boolean {
  return text.indexOf('"') < 0 || WELL_FORMED.test(text);
}

/** The first field of a line (its record type), unquoted; cheap, for routing. */
export function firstField(text: string): string {
  if (text.charCodeAt(0) === 0x22) {
    const m = /^"((?:[^"]|"")*)"(?:,|$)/.exec(text);
    return m ? m[1]!.replace(/""/g, '"') : text;
  }
  const comma = text.indexOf(',');
  return comma < 0 ? text : text.slice(0, comma);
}

/** All fields of a well-formed line. */
export function parseCsvLine(text: string): string[] {
  const rows = parse(text, { relax_column_count: true, record_delimiter: '\n', bom: false }) as string[][];
  return rows[0] ?? [''];
}
