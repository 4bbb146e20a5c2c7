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
