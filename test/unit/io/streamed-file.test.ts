import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StreamedFile } from '../../../src/io/streamed-file';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ccass-streamed-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('a file streamed under a temporary name', () => {
  test('small and large pieces (more than a chunk, multi-byte characters) arrive in order; SHA-256 and size of the bytes', async () => {
    const dir = tempDir();
    const f = await StreamedFile.open(dir, 'out.txt');
    const pieces = ['head\n', '陳小明,'.repeat(200_000), 'x'.repeat(1_500_000), ...Array.from({ length: 50_000 }, (_, i) => `row ${i} 陳\n`)];
    for (const p of pieces) {
      const w = f.write(p, 1);
      if (w) await w;
    }
    expect(readdirSync(dir)).toEqual([path.basename(f.tmp)]);
    const sha = await f.close();
    await f.commit();
    const text = pieces.join('');
    expect(readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe(text);
    expect(sha).toBe(createHash('sha256').update(text).digest('hex'));
    expect([f.bytes, f.rows]).toEqual([Buffer.byteLength(text), pieces.length]);
    expect(existsSync(f.tmp)).toBe(false);
  });

  test('abort leaves nothing', async () => {
    const dir = tempDir();
    const f = await StreamedFile.open(dir, 'out.txt');
    await f.write('a'.repeat(2_000_000));
    await f.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('appending another file, syncing ahead, parts never synced', () => {
  /** fsyncs of every FileHandle while `fn` runs. */
  async function countingSyncs<T>(dir: string, fn: () => Promise<T>): Promise<{ result: T; syncs: number }> {
    const probe = await import('node:fs').then((fs) => fs.promises.open(path.join(dir, '.probe'), 'w'));
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    rmSync(path.join(dir, '.probe'));
    const spy = jest.spyOn(proto, 'sync');
    try {
      const result = await fn();
      return { result, syncs: spy.mock.calls.length };
    } finally {
      spy.mockRestore();
    }
  }

  test('a file of several megabytes (not a whole number of chunks) appended after text: the bytes and SHA-256 of both in order', async () => {
    const dir = tempDir();
    const part = path.join(dir, 'part.bin');
    const partText = Array.from({ length: 120_000 }, (_, i) => `part ${i},陳大文\n`).join('');
    require('node:fs').writeFileSync(part, partText);
    const f = await StreamedFile.open(dir, 'out.csv');
    await f.write('head\n陳\n');
    await f.append(part);
    await f.write('tail\n');
    const sha = await f.close();
    await f.commit();
    const whole = 'head\n陳\n' + partText + 'tail\n';
    expect(Buffer.byteLength(partText)).toBeGreaterThan(2.4 * (1 << 20));
    expect(Buffer.byteLength(partText) % (1 << 20)).not.toBe(0);
    expect(readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe(whole);
    expect(sha).toBe(createHash('sha256').update(whole).digest('hex'));
    expect(f.bytes).toBe(Buffer.byteLength(whole));
  });

  test('a part that cannot be read is a StorageError naming it, and nothing is left after abort', async () => {
    const dir = tempDir();
    const f = await StreamedFile.open(dir, 'out.csv');
    await expect(f.append(path.join(dir, 'no-such.part'))).rejects.toThrow(/cannot read .*no-such\.part/);
    await f.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a durable file is fsynced ahead every syncAheadBytes and at close; a part (durable: false) never', async () => {
    const dir = tempDir();
    const text = 'x'.repeat(1 << 20);
    const durable = await countingSyncs(dir, async () => {
      const f = await StreamedFile.open(dir, 'out.csv', { syncAheadBytes: 3 << 20 });
      for (let i = 0; i < 10; i++) await f.write(text);
      return f.close();
    });
    // 10 MB: ahead at 3, 6 and 9 MB at most (one at a time: one still running when the next is due is not doubled), then at close.
    expect(durable.syncs).toBeGreaterThanOrEqual(2);
    expect(durable.syncs).toBeLessThanOrEqual(4);
    expect(durable.result).toBe(createHash('sha256').update(text.repeat(10)).digest('hex'));
    const part = await countingSyncs(dir, async () => {
      const f = await StreamedFile.open(dir, 'p.part', { durable: false, syncAheadBytes: 1 << 20 });
      for (let i = 0; i < 10; i++) await f.write(text);
      return f.close();
    });
    expect(part.syncs).toBe(0);
  });
});
