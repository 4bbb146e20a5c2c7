import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvariantError } from '../../../src/domain/errors';
import { readCsvRecords } from '../../../src/io/csv-records';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ccass-csv-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
async function read(text: string) {
  const file = path.join(dir, `f${Math.random().toString(16).slice(2)}.csv`);
  writeFileSync(file, text);
  const s = readCsvRecords(file);
  const rows: { line: number; cells: string[] }[] = [];
  for await (const r of s.records) rows.push(r);
  return { rows, digest: s.digest() };
}

describe('streamed CSV records', () => {
  test('records with their first line; a quoted line break joins lines; the bytes are hashed', async () => {
    const text = 'a,b\n1,"KO, Ying ""Candy"""\n2,"two\nlines"\n3,陳小明\n';
    const { rows, digest } = await read(text);
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', 'KO, Ying "Candy"'] },
      { line: 3, cells: ['2', 'two\nlines'] },
      { line: 5, cells: ['3', '陳小明'] },
    ]);
    expect(digest).toEqual({ sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) });
  });

  test('a record that is not CSV, or a file ending inside quotes, is a broken invariant (this system wrote it)', async () => {
    await expect(read('a,b"c\n')).rejects.toThrow(InvariantError);
    await expect(read('a,"open\n')).rejects.toThrow(/ends inside a quoted field/);
  });
});
