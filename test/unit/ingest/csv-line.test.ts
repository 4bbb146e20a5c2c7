/**
 * Issue 9: a well-formed CSV line is split without csv-parse; the fields are the ones csv-parse
 * gives (the parser used for every D line before).
 */
import fc from 'fast-check';
import { isWellFormedCsvLine, parseCsvLine, splitWellFormedCsvLine } from '../../../src/ingest/csv-line';

const cell = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'B', '1', ' ', '-', ':', ';', '.', '\t', '\r', '(', '中', '\u0000') }),
  fc.string({ unit: fc.constantFrom('a', ',', '"', ' ', '\r', 'x') }).map((s) => `"${s.replace(/"/g, '""')}"`),
);

describe('splitWellFormedCsvLine', () => {
  it('gives the fields csv-parse gives, for every well-formed line', () => {
    fc.assert(fc.property(fc.array(cell, { minLength: 1, maxLength: 14 }), (cells) => {
      const line = cells.join(',');
      if (!isWellFormedCsvLine(line) || line === '') return;
      expect(splitWellFormedCsvLine(line)).toEqual(parseCsvLine(line));
    }), { numRuns: 2000 });
  });

  it.each([
    ['D,a,,b,', ['D', 'a', '', 'b', '']],
    ['"a""b",c', ['a"b', 'c']],
    ['"",""', ['', '']],
    ['"a,b","c', null],
    ['x,"y"', ['x', 'y']],
    ['"a",', ['a', '']],
  ])('%j', (line, fields) => {
    if (fields === null) expect(isWellFormedCsvLine(line)).toBe(false);
    else expect(splitWellFormedCsvLine(line)).toEqual(fields);
  });
});
