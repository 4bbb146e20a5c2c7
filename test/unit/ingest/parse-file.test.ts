/** Parsing edge cases: BOM, CRLF, quotes, commas, Chinese, non-UTF-8, blank last line, chunk boundaries. */
import { parseInstructionFile, ParseEvent } from '../../../src/ingest/parse-file';
import { readLines } from '../../../src/ingest/line-reader';
import { chunksOf, dLine, fileText, hLine, runFile } from '../validate/fixture';

async function collect(bytes: Uint8Array, size?: number): Promise<ParseEvent[]> {
  const out: ParseEvent[] = [];
  for await (const ev of parseInstructionFile(chunksOf(bytes, size))) out.push(ev);
  return out;
}

const NAMES = ['陳大文', 'WONG, Siu Ming', 'SMITH, John "Jack"', '"quoted", and, commas', 'é€😀'];
const details = NAMES.map((name, i) => dLine({ ref: `R${i}`, name }));

describe('parseInstructionFile', () => {
  it('reads quoted names with commas, doubled quotes and any Unicode, with line numbers', async () => {
    const r = await runFile(fileText(details));
    expect(r.verdict.kind).toBe('accepted');
    expect(r.details.map((d) => [d.line, d.fields.applicant_name, d.rejection])).toEqual(NAMES.map((n, i) => [i + 2, n, null]));
  });

  it('gives the same records for LF, CRLF, a BOM and a blank last line', async () => {
    const base = await runFile(fileText(details));
    for (const text of [fileText(details, hLine(), '\r\n'), '\uFEFF' + fileText(details), fileText(details) + '\n', fileText(details).trimEnd()]) {
      const r = await runFile(text);
      expect(r.verdict.kind).toBe('accepted');
      expect(r.details).toEqual(base.details);
    }
  });

  it('is independent of chunk boundaries (inside a multi-byte character, between CR and LF)', async () => {
    const bytes = Buffer.from('\uFEFF' + fileText(details, hLine(), '\r\n'), 'utf8');
    const base = await collect(bytes);
    for (const size of [1, 2, 3, 5, 7, 64]) expect(await collect(bytes, size)).toEqual(base);
  });

  it('finds the first line that is not UTF-8, even when split across chunks', async () => {
    const bytes = Buffer.concat([Buffer.from(`${hLine()}\n${dLine()}\n`), Buffer.from([0x44, 0x2c, 0xe9, 0x0a]), Buffer.from('T,2,0,0.00\n')]);
    for (const size of [1, 4, 1000]) {
      const lines = [];
      for await (const l of readLines(chunksOf(bytes, size))) lines.push([l.line, l.utf8]);
      expect(lines).toEqual([[1, true], [2, true], [3, false], [4, false]]);
    }
    const r = await runFile(bytes);
    expect(r.verdict).toMatchObject({ kind: 'rejected', rejection: { code: 'FILE_NOT_UTF8', line: 3 } });
  });

  it('accepts a multi-byte character split at every possible point', async () => {
    const bytes = Buffer.from(fileText([dLine({ name: '陳😀' })]), 'utf8');
    for (let size = 1; size < 12; size++) {
      const r = await runFile(bytes, { chunkSize: size });
      expect(r.details[0]!.fields.applicant_name).toBe('陳😀');
    }
  });

  it('an unbalanced quote is FILE_NOT_CSV and does not swallow the next line', async () => {
    const r = await runFile([hLine(), 'D,"R1,x', dLine({ ref: 'R2' }), 'T,2,1000,4030.21'].join('\n') + '\n');
    expect(r.verdict).toMatchObject({ kind: 'rejected', rejection: { code: 'FILE_NOT_CSV', line: 2 } });
    expect(r.details.map((d) => d.line)).toEqual([3]);
  });

  it('keeps D records in line order across batches, with field-count rejections in place', async () => {
    const many = Array.from({ length: 1300 }, (_, i) => (i % 97 === 5 ? `D,B${i},x` : dLine({ ref: `R${i}` })));
    const r = await runFile(fileText(many));
    expect(r.details.map((d) => d.line)).toEqual(many.map((_, i) => i + 2));
    expect(r.details.filter((d) => d.rejection?.code === 'FIELD_COUNT').map((d) => d.fields.instruction_ref)).toEqual(many.map((_, i) => i).filter((i) => i % 97 === 5).map((i) => `B${i}`));
  });
});
