/**
 * The line reader under hostile input (issue 8): linear in the bytes however long a line, bounded
 * by max_line_bytes, and the same lines whatever the chunk boundaries.
 */
import { LineReaderLimit, readLineBatches, readLines, utf8Length } from '../../../src/ingest/line-reader';
import { chunksOf } from '../validate/fixture';

async function lines(bytes: Uint8Array, size: number, limit?: LineReaderLimit) {
  const out: [number, string][] = [];
  for await (const l of readLines(chunksOf(bytes, size), limit)) out.push([l.line, l.text]);
  return out;
}

/** A source that counts the chunks pulled from it (to show the reader stops early). */
function counted(bytes: Uint8Array, size: number) {
  const seen = { chunks: 0 };
  async function* gen() {
    for (let i = 0; i < bytes.length; i += size) {
      seen.chunks += 1;
      yield bytes.subarray(i, i + size);
    }
  }
  return { chunks: gen(), seen };
}

describe('readLineBatches', () => {
  it('joins a line spread over many chunks once (no quadratic carry): 8 MB without a line end in 1-KiB chunks', async () => {
    const bytes = new Uint8Array(8 * 1024 * 1024).fill(0x41);
    const got: number[] = [];
    for await (const batch of readLineBatches(chunksOf(bytes, 1024))) for (const l of batch) got.push(l.text.length);
    expect(got).toEqual([8 * 1024 * 1024]);
  });

  it('stops at the first line over max_line_bytes, names it, and reads no further', async () => {
    const bytes = Buffer.concat([Buffer.from('ok\nfine\n'), Buffer.alloc(1024 * 1024, 0), Buffer.from('\nnever\n')]);
    const { chunks, seen } = counted(bytes, 4096);
    const limit: LineReaderLimit = { maxLineBytes: 10000, lineTooLong: null };
    const out: string[] = [];
    for await (const batch of readLineBatches(chunks, limit)) for (const l of batch) out.push(l.text);
    expect(out).toEqual(['ok', 'fine']);
    expect(limit.lineTooLong).toBe(3);
    expect(seen.chunks).toBeLessThanOrEqual(4);
  });

  it.each([1, 3, 7, 64, 4096])('a line of exactly the limit passes, one byte more stops (chunks of %i)', async (size) => {
    const at = Buffer.from(`H\n${'é'.repeat(50)}\nT\n`); // 100 bytes of 2-byte characters
    const limit: LineReaderLimit = { maxLineBytes: 100, lineTooLong: null };
    expect((await lines(at, size, limit)).map(([n]) => n)).toEqual([1, 2, 3]);
    expect(limit.lineTooLong).toBeNull();
    const over: LineReaderLimit = { maxLineBytes: 99, lineTooLong: null };
    expect(await lines(at, size, over)).toEqual([[1, 'H']]);
    expect(over.lineTooLong).toBe(2);
  });

  it('counts the bytes of a last line without a line end, and of a line that is not UTF-8', async () => {
    const tail: LineReaderLimit = { maxLineBytes: 5, lineTooLong: null };
    expect(await lines(Buffer.from('abc\nabcdef'), 64, tail)).toEqual([[1, 'abc']]);
    expect(tail.lineTooLong).toBe(2);
    const latin1: LineReaderLimit = { maxLineBytes: 5, lineTooLong: null };
    expect(await lines(Buffer.from([0x61, 0x0a, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0x0a]), 64, latin1)).toEqual([[1, 'a']]);
    expect(latin1.lineTooLong).toBe(2);
  });

  it('utf8Length counts as UTF-8 does', () => {
    for (const s of ['', 'abc', 'é', '陳大文', '😀', 'a😀b陳\u0000']) expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });
});
