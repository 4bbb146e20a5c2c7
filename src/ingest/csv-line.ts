/**
 * One CSV line on its own (spec: instruction-file.md, "Encoding": RFC 4180, each line one record,
 * no embedded line ends). Used to route lines by record type and to split every well-formed line
 * (splitWellFormedCsvLine: D, and since issue 9 H and T too, whose csv-parse call cost a quarter of
 * a millisecond a file). parseCsvLine (csv-parse) is the reference the tests hold it equal to.
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

/**
 * All fields of a line that isWellFormedCsvLine accepts, without a CSV library: the same fields
 * csv-parse gives for such a line (a property test holds them equal), at a fraction of the cost.
 * An unquoted field is the text between commas, as written; a quoted one is the text between its
 * quotes with each `""` read as `"`.
 */
export function splitWellFormedCsvLine(text: string): string[] {
  if (text.indexOf('"') < 0) return text.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 0x22) {
      let close = text.indexOf('"', i + 1);
      while (text.charCodeAt(close + 1) === 0x22) close = text.indexOf('"', close + 2);
      const inner = text.slice(i + 1, close);
      fields.push(inner.indexOf('""') < 0 ? inner : inner.replace(/""/g, '"'));
      i = close + 1;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      fields.push(text.slice(i, end));
      i = end;
    }
    if (i >= text.length) return fields;
    i += 1; // the comma
    if (i === text.length) {
      fields.push('');
      return fields;
    }
  }
}

/** All fields of a well-formed line (csv-parse). */
export function parseCsvLine(text: string): string[] {
  const rows = parse(text, { relax_column_count: true, record_delimiter: '\n', bom: false }) as string[][];
  return rows[0] ?? [''];
}
