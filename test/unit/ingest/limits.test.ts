/**
 * Ingest limits (docs/limits.md) and echoed values (issue 8): each breach is its own file-level
 * code, found even without a trailer; echoes are cut and never carry a whole line or a full HKID.
 */
import { parseInstructionFile } from '../../../src/ingest/parse-file';
import { DEFAULT_INGEST_LIMITS, IngestLimits, resolveIngestLimits } from '../../../src/offering/ingest-limits';
import { parseOffering } from '../../../src/offering/load-offering';
import { judgeFile } from '../../../src/validate/file-rules';
import { rejection, ECHO_MAX_CHARS } from '../../../src/domain/reasons';
import { chunksOf, dLine, fileText, hkid, hLine, offering, participants, tLine } from '../validate/fixture';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

async function verdictOf(text: string | Uint8Array, limits: Partial<IngestLimits> = {}, closeLists = false) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for await (const ev of parseInstructionFile(chunksOf(bytes), { ...DEFAULT_INGEST_LIMITS, ...limits })) {
    if (ev.kind === 'end') {
      const v = judgeFile(ev.shape, { folder: 'BRK001', offering, participants, fileSeqAccepted: () => false, closeLists });
      return v.kind === 'rejected' ? { code: v.rejection.code, line: v.rejection.line, detail: v.rejection.detail } : { code: v.kind, line: 0, detail: '' };
    }
  }
  throw new Error('no end event');
}

const D1 = dLine();
const ok = fileText([D1]);

describe('ingest limits', () => {
  it('defaults: a file well inside every limit is accepted', async () => {
    expect((await verdictOf(ok)).code).toBe('accepted');
  });

  it('FILE_TOO_LARGE once more bytes than max_file_bytes were read', async () => {
    expect(await verdictOf(ok, { max_file_bytes: 50 })).toMatchObject({ code: 'FILE_TOO_LARGE', line: 0 });
    expect((await verdictOf(ok, { max_file_bytes: Buffer.byteLength(ok) })).code).toBe('accepted');
  });

  it('LINE_TOO_LONG at the line, even with no trailer yet (a breach only grows)', async () => {
    const long = `${hLine()}\n${dLine({ name: 'X'.repeat(300) })}\n`;
    expect(await verdictOf(long, { max_line_bytes: 200 })).toMatchObject({ code: 'LINE_TOO_LONG', line: 2 });
  });

  it('FIELD_TOO_LONG names the field; a name of 200 CJK characters (600 bytes) is within the default', async () => {
    const r = await verdictOf(fileText([dLine({ name: '陳'.repeat(700) })]));
    expect(r).toMatchObject({ code: 'FIELD_TOO_LONG', line: 2 });
    expect(r.detail).toBe('applicant_name is longer than the longest field accepted (2,100 bytes at line 2, at most 2,048: ingest_limits.max_field_bytes)');
    expect((await verdictOf(fileText([dLine({ name: '陳'.repeat(200) })]))).code).toBe('accepted');
    expect(await verdictOf(fileText([dLine()]), { max_field_bytes: 10 })).toMatchObject({ code: 'FIELD_TOO_LONG', line: 1 });
  });

  it('TOO_MANY_RECORDS at the first record beyond max_records', async () => {
    const many = fileText([dLine({ ref: 'A' }), dLine({ ref: 'B' }), dLine({ ref: 'C' })]);
    expect(await verdictOf(many, { max_records: 3 })).toMatchObject({ code: 'TOO_MANY_RECORDS', line: 4 });
    expect((await verdictOf(many, { max_records: 5 })).code).toBe('accepted');
  });

  it('a limit comes before every other file fault (a non-UTF-8 byte further down does not matter)', async () => {
    const bytes = Buffer.concat([Buffer.from(`${hLine()}\n${'Z'.repeat(500)}\n`), Buffer.from([0xff, 0x0a])]);
    expect((await verdictOf(bytes, { max_line_bytes: 100 })).code).toBe('LINE_TOO_LONG');
  });

  it('the offering may set its own limits; unknown keys and nonsense are refused with the field named', () => {
    const raw = JSON.parse(readFileSync(path.join(__dirname, '../../../samples/offerings/0020-sensetime-2021.json'), 'utf8'));
    const o = parseOffering(JSON.stringify({ ...raw, ingest_limits: { max_records: 10 } }));
    expect(resolveIngestLimits(o.ingest_limits)).toEqual({ ...DEFAULT_INGEST_LIMITS, max_records: 10 });
    expect(resolveIngestLimits(offering.ingest_limits)).toEqual(DEFAULT_INGEST_LIMITS);
    expect(() => parseOffering(JSON.stringify({ ...raw, ingest_limits: { max_lines: 10 } }), 'o.json')).toThrow(/o\.json: ingest_limits\.max_lines: unknown field/);
    expect(() => parseOffering(JSON.stringify({ ...raw, ingest_limits: { max_line_bytes: 0 } }), 'o.json')).toThrow(/ingest_limits\.max_line_bytes: ingest_limits\.max_line_bytes must be more than zero/);
  });
});

describe('echoed values (no whole line, no full identity number, whatever the separator)', () => {
  const id = hkid('A', '123456');
  const semicolons = `D;R1;2021-12-21T10:00:00;HKID;${id};CHAN Tai Man;;1000;4030.21;ACC-1;;`;

  it('a D line written with ";" is one field: HEADER_MISSING / RECORD_TYPE_UNKNOWN echo it masked and cut', async () => {
    const first = await verdictOf([semicolons, tLine([])].join('\n') + '\n');
    expect(first.code).toBe('HEADER_MISSING');
    expect(first.detail).not.toContain('123456');
    expect(first.detail).toBe('record_type "D;**;****-**-*****:**:**;****;*******(*)…" is not a header record; the first record must be H (the line has no comma: fields are separated by commas, not ";")');
    const later = await verdictOf([hLine(), semicolons.replace(/^D/, 'X'), tLine([])].join('\n') + '\n');
    expect(later).toMatchObject({ code: 'RECORD_TYPE_UNKNOWN', line: 2 });
    expect(later.detail).not.toContain('123456');
  });

  it('tab separators are named too; a short unknown type is echoed as written', async () => {
    const tabs = await verdictOf([hLine(), semicolons.replace(/;/g, '\t'), tLine([])].join('\n') + '\n');
    expect(tabs.code).toBe('RECORD_TYPE_UNKNOWN');
    expect(tabs.detail).toMatch(/not tabs\)$/);
    expect(tabs.detail).not.toContain('123456');
    expect((await verdictOf([hLine(), 'X,1,2', D1, tLine([D1])].join('\n') + '\n')).detail).toBe('record_type "X" is not a record type H, D or T');
  });

  it('TRAILER_NOT_LAST echoes a record after the trailer the same way', async () => {
    const r = await verdictOf([hLine(), D1, tLine([D1]), `${id} extra`].join('\n') + '\n');
    expect(r).toMatchObject({ code: 'TRAILER_NOT_LAST', line: 4 });
    expect(r.detail).not.toContain('123456');
  });

  it('every value is cut to ECHO_MAX_CHARS and any HKID-shaped text in it masked, wherever it came from', () => {
    const r = rejection('REF_INVALID', 2, { field: 'instruction_ref', value: `x${'y'.repeat(100)}` });
    expect(r.detail).toBe(`instruction_ref "x${'y'.repeat(ECHO_MAX_CHARS - 1)}…" is not 1-32 letters, digits or hyphens`);
    expect(rejection('REF_INVALID', 2, { field: 'instruction_ref', value: `REF ${id}` }).detail).toBe('instruction_ref "REF A1*******)" is not 1-32 letters, digits or hyphens');
    expect(rejection('AMOUNT_INCORRECT', 2, { field: 'amount_paid', value: '4030.20', extra: `expected 4030.21, got ${'9'.repeat(500)}.00` }).detail.length).toBeLessThan(260);
  });
});
