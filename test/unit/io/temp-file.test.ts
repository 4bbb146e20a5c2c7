/**
 * The temporary text files of the ingest (the store's lines, the acknowledgement): created through
 * the thread pool while appends go on, encoded into a growing byte buffer, written a chunk at a time.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StorageError } from '../../../src/domain/errors';
import { TempTextFile } from '../../../src/io/temp-file';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ccass-tempfile-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('TempTextFile', () => {
  test('appends made before the file exists, past the first buffer and past a chunk, arrive in order with the SHA-256 of their UTF-8 bytes', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'sub', 'lines.jsonl');
    const f = TempTextFile.create(target, true, true);
    // Synchronously, before the creation can have finished: all of it waits in the buffer.
    const pieces = ['[1,"陳大文"]\n', 'x'.repeat(70_000), '😀,'.repeat(50_000), ...Array.from({ length: 20_000 }, (_, i) => `[${i},"李小龍 ${i}"]\n`)];
    for (const p of pieces) f.write(p);
    const sha = await f.finish();
    const text = pieces.join('');
    expect(Buffer.byteLength(text)).toBeGreaterThan(256 * 1024);
    expect(readFileSync(f.tmp, 'utf8')).toBe(text);
    expect(sha).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(path.dirname(f.tmp)).toBe(path.dirname(target));
    expect(path.basename(f.tmp)).toMatch(/^\.lines\.jsonl\.[0-9a-f]{12}\.tmp$/);
  });

  test('writes after the file exists are flushed a chunk at a time; unhashed files answer an empty hash', async () => {
    const dir = tempDir();
    const f = TempTextFile.create(path.join(dir, 'ack.csv'), false);
    f.write('head\n');
    await new Promise((r) => setTimeout(r, 50));
    const row = 'row,陳\n'.repeat(10_000);
    for (let i = 0; i < 10; i++) f.write(row);
    expect(await f.finish()).toBe('');
    expect(readFileSync(f.tmp, 'utf8')).toBe('head\n' + row.repeat(10));
  });

  test('abort before the file exists, and after, leaves nothing', async () => {
    const dir = tempDir();
    const early = TempTextFile.create(path.join(dir, 'a.csv'), true);
    early.write('x');
    await early.abort();
    const late = TempTextFile.create(path.join(dir, 'b.csv'), true);
    late.write('x'.repeat(300_000));
    await new Promise((r) => setTimeout(r, 50));
    late.write('y');
    await late.abort();
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a folder that cannot be made is a StorageError naming it, met at finish (or the next write), nothing left', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'blocker'), 'a file where the folder should be');
    const f = TempTextFile.create(path.join(dir, 'blocker', 'x.jsonl'), true, true);
    f.write('line\n');
    const fault = await f.finish().catch((e: unknown) => e);
    expect(fault).toBeInstanceOf(StorageError);
    expect(String((fault as Error).message)).toContain(path.join(dir, 'blocker'));
    expect(() => f.write('more')).toThrow(StorageError);
    expect(readdirSync(dir)).toEqual(['blocker']);
  });

  test('finish twice is refused', async () => {
    const f = TempTextFile.create(path.join(tempDir(), 'c.csv'), false);
    f.write('a');
    await f.finish();
    await expect(f.finish()).rejects.toThrow(/already closed/);
  });

  test('written() gives the SHA-256 of every byte before the fsync; no write after it; finish() then gives the same hash', async () => {
    const f = TempTextFile.create(path.join(tempDir(), 'lines.jsonl'), true);
    f.write('[1,"陳大文"]\n');
    f.write('[2,"x"]\n');
    const text = '[1,"陳大文"]\n[2,"x"]\n';
    const early = await f.written();
    expect(early).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(readFileSync(f.tmp, 'utf8')).toBe(text);
    expect(() => f.write('more')).toThrow(/already closed/);
    expect(await f.finish()).toBe(early);
  });
});
