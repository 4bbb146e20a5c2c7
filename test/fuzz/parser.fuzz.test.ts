/**
 * Fuzzing the pure core with fast-check (issue 8, item 9): arbitrary bytes, CSV-like lines with
 * any separator, any field values, any registry text and any limits. The properties: nothing
 * throws, the parse ends exactly once with a verdict, chunk boundaries change nothing, every
 * detail is short, and no detail carries a planted HKID, whatever field or separator it came in.
 *
 * Deterministic by default (seed 8, 100 runs a property, a few seconds in `npm test`); a longer
 * or different search: `FUZZ_SEED=<n> FUZZ_RUNS=<n> npx jest test/fuzz` (npm run fuzz:long does).
 * A counterexample found here goes into test/fuzz/corpus/ as `<kind>--<outcome>.csv`.
 */
import fc from 'fast-check';
import { parseInstructionFile, FileShape } from '../../src/ingest/parse-file';
import { readLines, LineReaderLimit } from '../../src/ingest/line-reader';
import { DEFAULT_INGEST_LIMITS, IngestLimits } from '../../src/offering/ingest-limits';
import { parseOffering } from '../../src/offering/load-offering';
import { judgeFile, participantRule } from '../../src/validate/file-rules';
import { createDetailContext, DetailContext, validateDetail } from '../../src/validate/detail-rules';
import { DETAIL_FIELDS, DetailFields } from '../../src/ingest/record-layout';
import { parseParticipants } from '../../src/io/config-files';
import { ConfigInvalidError } from '../../src/domain/errors';
import { chunksOf, hLine, hkid, offering, participants } from '../unit/validate/fixture';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// `FUZZ_SEED=random` (npm run fuzz:long): a new search each time; fast-check prints the seed of a failure.
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 8);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const params = { seed: SEED, numRuns: RUNS };
jest.setTimeout(Math.max(20_000, RUNS * 60));

/** The planted identity numbers: none may come back in a detail, as written or normalised. */
const IDS = [hkid('A', '123456'), hkid('Z', '654321'), hkid('XY', '987654')];
const FORBIDDEN = IDS.flatMap((id) => [id, id.replace(/[()]/g, '')]);
const DETAIL_MAX = 320;

interface Outcome {
  verdict: string;
  lines: number;
  details: string[];
}

/** Parse + file verdict + record rules over one file's bytes, as ingest-file.ts composes them. */
async function judge(bytes: Uint8Array, chunk: number, limits: IngestLimits = DEFAULT_INGEST_LIMITS): Promise<Outcome> {
  let ctx: DetailContext | null = null;
  const details: string[] = [];
  let end: FileShape | null = null;
  let ends = 0;
  for await (const ev of parseInstructionFile(chunksOf(bytes, chunk), limits)) {
    if (ev.kind === 'header') {
      const who = participantRule(ev.header, 'BRK001', participants);
      if (who.ok) ctx = createDetailContext(offering, who.participant.participant_type, () => false);
    } else if (ev.kind === 'end') {
      end = ev.shape;
      ends += 1;
    } else if (ctx) {
      const v = validateDetail(ev, ctx);
      if (v.rejection) details.push(v.rejection.detail);
    }
  }
  expect(ends).toBe(1);
  const v = judgeFile(end!, { folder: 'BRK001', offering, participants, fileSeqAccepted: () => false, closeLists: true });
  if (v.kind === 'rejected') details.push(v.rejection.detail);
  return { verdict: v.kind === 'rejected' ? v.rejection.code : v.kind, lines: end!.lines, details };
}

function expectSafeDetails(details: readonly string[]): void {
  for (const d of details) {
    expect(d.length).toBeLessThanOrEqual(DETAIL_MAX);
    for (const id of FORBIDDEN) expect({ d, leaks: d.includes(id) }).toEqual({ d, leaks: false });
  }
}

// A field: anything, or the troublesome characters, or a planted identity number, or a valid-looking value.
const field = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(',', ';', '\t', '"', '\r', '\0', ' ', 'é', '陳', '😀', '\uFEFF', 'A', '1'), maxLength: 8 }),
  fc.constantFrom(...IDS, `HKID:${IDS[0]}`, 'HKID', '1000', '4030.21', '2021-12-21T10:00:00', 'ACC-1', 'D', 'H', 'T', ''),
);
const separator = fc.constantFrom(',', ',', ',', ';', '\t', '|');
const line = fc.tuple(fc.constantFrom('D', 'D', 'H', 'T', 'X', ''), fc.array(field, { maxLength: 14 }), separator)
  .map(([type, fields, sep]) => [type, ...fields].join(sep));
const file = fc.tuple(fc.boolean(), fc.array(line, { maxLength: 12 }), fc.boolean(), fc.constantFrom('\n', '\r\n'))
  .map(([header, lines, trailer, eol]) => Buffer.from([...(header ? [hLine()] : []), ...lines, ...(trailer ? [`T,${lines.length},0,0.00`] : [])].join(eol) + eol, 'utf8'));

describe('fuzz: parse and rules never throw, details stay short and never carry an ID', () => {
  it('arbitrary bytes, any chunking', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 97 }), async (bytes, chunk) => {
      const small = await judge(bytes, chunk);
      expect(await judge(bytes, 65536)).toEqual(small);
      expectSafeDetails(small.details);
    }), params);
  });

  it('CSV-like lines with any separator, quotes, NUL, BOM and planted IDs', async () => {
    await fc.assert(fc.asyncProperty(file, fc.integer({ min: 1, max: 64 }), async (bytes, chunk) => {
      const out = await judge(bytes, chunk);
      expect(await judge(bytes, 65536)).toEqual(out);
      expectSafeDetails(out.details);
    }), params);
  });

  it('any limits: a breach is its own code, and the same bytes give the same verdict however chunked', async () => {
    const limits = fc.record({
      max_file_bytes: fc.integer({ min: 1, max: 4000 }),
      max_line_bytes: fc.integer({ min: 1, max: 400 }),
      max_field_bytes: fc.integer({ min: 1, max: 100 }),
      max_records: fc.integer({ min: 1, max: 20 }),
    });
    await fc.assert(fc.asyncProperty(file, limits, fc.integer({ min: 1, max: 64 }), async (bytes, l, chunk) => {
      const out = await judge(bytes, chunk, l);
      expect(await judge(bytes, 65536, l)).toEqual(out);
      if (bytes.length > l.max_file_bytes) expect(['FILE_TOO_LARGE', 'LINE_TOO_LONG', 'FIELD_TOO_LONG', 'TOO_MANY_RECORDS']).toContain(out.verdict);
      expectSafeDetails(out.details);
    }), params);
  });

  it('the line reader: the same lines and the same over-long line whatever the chunks', async () => {
    const read = async (bytes: Uint8Array, chunk: number, max: number) => {
      const limit: LineReaderLimit = { maxLineBytes: max, lineTooLong: null };
      const out: string[] = [];
      for await (const l of readLines(chunksOf(bytes, chunk), limit)) out.push(`${l.line}:${l.utf8}:${l.text}`);
      return { out, tooLong: limit.lineTooLong };
    };
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }).map((b) => b.map((x) => (x % 7 === 0 ? 0x0a : x))), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 300 }), async (bytes, chunk, max) => {
      expect(await read(bytes, chunk, max)).toEqual(await read(bytes, 4096, max));
    }), params);
  });

  it('validateDetail over any 12 field values', () => {
    const ctx = createDetailContext(offering, 'CLEARING', () => false);
    fc.assert(fc.property(fc.array(field, { minLength: 12, maxLength: 12 }), (values) => {
      const fields = Object.fromEntries(DETAIL_FIELDS.map((n, i) => [n, values[i]!])) as DetailFields;
      const v = validateDetail({ kind: 'detail', line: 2, fields }, ctx);
      expectSafeDetails(v.rejection ? [v.rejection.detail] : []);
      const short = validateDetail({ kind: 'detail-field-count', line: 3, fields: values.slice(0, 7) }, ctx);
      expectSafeDetails([short.rejection!.detail]);
    }), params);
  });
});

describe('fuzz: configuration is refused with ConfigInvalidError, never anything else', () => {
  const isConfigError = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigInvalidError);
      expect((e as Error).message.split('\n')).toHaveLength(1);
    }
  };

  it('any participants.csv text', () => {
    const header = 'participant_id,participant_type,name,designated_bank_account,status\n';
    const row = fc.array(fc.oneof(field, fc.constantFrom('BRK001', 'CLEARING', 'ACTIVE', '004-001-000123456', '004-001-ABC')), { maxLength: 7 }).map((f) => f.join(','));
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(row, { maxLength: 5 }).map((rows) => header + rows.join('\n'))), (text) => {
      isConfigError(() => parseParticipants(text));
    }), params);
  });

  it('any ingest_limits in the offering', () => {
    const raw = JSON.parse(readFileSync(path.join(__dirname, '../../samples/offerings/0020-sensetime-2021.json'), 'utf8'));
    fc.assert(fc.property(fc.jsonValue(), (limits) => {
      isConfigError(() => parseOffering(JSON.stringify({ ...raw, ingest_limits: limits })));
    }), params);
  });
});
