/**
 * The output CSVs read back (results site index, verify-site): csvFields splits a well-formed
 * quoted line by hand; it must give what csv-parse gave for every line, well-formed or not (the
 * same fields, or the same fault).
 */
import fc from 'fast-check';
import { parseCsvLine } from '../../../src/ingest/csv-line';
import { csvFields } from '../../../src/io/publication-files';

const outcome = (f: () => string[]) => {
  try {
    return { fields: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
};
const before = (text: string) => (text.indexOf('"') < 0 ? text.split(',') : parseCsvLine(text));

const cell = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'B', '1', ' ', '-', ';', '.', '\t', '\r', '中', "'", '=') }),
  fc.string({ unit: fc.constantFrom('a', ',', '"', ' ', '\r', '陳') }).map((s) => `"${s.replace(/"/g, '""')}"`),
  // Not well formed: a stray quote, an unclosed one, text after a closing one.
  fc.constantFrom('a"b', '"open', '"x"y', '"', '""x'),
);

describe('csvFields', () => {
  it('gives csv-parse\'s fields (or its fault) for every line', () => {
    fc.assert(fc.property(fc.array(cell, { minLength: 1, maxLength: 16 }), (cells) => {
      const line = cells.join(',');
      expect(outcome(() => csvFields(line))).toEqual(outcome(() => before(line)));
    }), { numRuns: 3000 });
  });

  it.each([
    ['R0000001,B00001,"CHAN, Wing",4030.21', ['R0000001', 'B00001', 'CHAN, Wing', '4030.21']],
    ['a,"say ""hi""",', ['a', 'say "hi"', '']],
    ['plain,row', ['plain', 'row']],
  ])('%j', (line, fields) => expect(csvFields(line)).toEqual(fields));
});
