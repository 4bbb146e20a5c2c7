/**
 * Issue 9: an inbox file under 1 MiB is read once. The bytes `sha256()` reads (and hashes) are
 * kept for the parse (`takeWholeBytes`, `parseSource`), so neither the main thread nor a judging
 * thread reads and hashes the file a second time; a file read in chunks (larger, or grown since
 * it was opened) keeps nothing and is parsed through its descriptor as before.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanInbox } from '../../../src/io/inbox';
import { InboxEntry, openInboxEntry } from '../../../src/io/inbox-entry';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let dir: string;
let entries: InboxEntry[];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'inbox-entry-'));
  entries = [];
});
afterEach(async () => {
  for (const e of entries) await e.close();
  rmSync(dir, { recursive: true, force: true });
});

async function entryOf(bytes: Buffer | string, afterOpen?: (file: string) => void): Promise<InboxEntry> {
  const file = path.join(dir, 'BRK001', 'a.csv');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  const { files } = await scanInbox(dir);
  const opened = await openInboxEntry(files[0]!);
  if (!opened.ok) throw new Error(opened.ignored.reason);
  entries.push(opened.entry);
  afterOpen?.(file);
  return opened.entry;
}

async function readAll(source: { chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>; digest: () => string }): Promise<{ bytes: Buffer; digest: string }> {
  const parts: Buffer[] = [];
  for await (const c of source.chunks) parts.push(Buffer.from(c));
  return { bytes: Buffer.concat(parts), digest: source.digest() };
}

describe('InboxEntry: a small file read once', () => {
  it('the bytes hashed are kept, exactly, once, for the hash they have', async () => {
    const text = 'H,BRK001,CLEARING,0020,1\nD,line\nT,1\n';
    const entry = await entryOf(text);
    const digest = await entry.sha256();
    expect(digest).toBe(sha(text));
    expect(entry.takeWholeBytes('0'.repeat(64))).toBeNull();
    await entry.sha256();
    const bytes = entry.takeWholeBytes(digest!);
    expect(bytes).not.toBeNull();
    expect(Buffer.from(bytes!).toString('utf8')).toBe(text);
    // Their own memory (one byte more than the file, to see its end): it can be handed to a thread.
    expect([bytes!.byteOffset, bytes!.buffer.byteLength]).toEqual([0, text.length + 1]);
    expect(entry.takeWholeBytes(digest!)).toBeNull();
  });

  it('the parse reads the kept bytes, then (taken) the descriptor: the same bytes, the same hash', async () => {
    const text = 'H,x\n'.repeat(1000);
    const entry = await entryOf(text);
    const digest = (await entry.sha256())!;
    const kept = await readAll(entry.parseSource(digest));
    const read = await readAll(entry.parseSource(digest));
    expect(kept).toEqual({ bytes: Buffer.from(text), digest: sha(text) });
    expect(read).toEqual(kept);
  });

  it('an empty file is kept as no bytes', async () => {
    const entry = await entryOf('');
    const digest = (await entry.sha256())!;
    expect(digest).toBe(sha(''));
    expect(entry.takeWholeBytes(digest)?.byteLength).toBe(0);
  });

  it('a file that grew after it was opened is hashed to its end and keeps nothing', async () => {
    const entry = await entryOf('H,first\n', (file) => appendFileSync(file, 'D,more\n'.repeat(10)));
    const digest = await entry.sha256();
    expect(digest).toBe(sha('H,first\n' + 'D,more\n'.repeat(10)));
    expect(entry.takeWholeBytes(digest!)).toBeNull();
  });

  it('a file that grew by a single byte since it was opened fills the first read: read to its end, nothing kept', async () => {
    const entry = await entryOf('H,first\n');
    const full = 'H,first\n';
    expect(await entry.sha256()).toBe(sha(full));
    appendFileSync(path.join(dir, 'BRK001', 'a.csv'), 'x');
    expect(await entry.sha256()).toBe(sha(full + 'x'));
    expect(entry.takeWholeBytes(sha(full + 'x'))).toBeNull();
  });

  it('a file of 1 MiB or more is hashed in chunks and keeps nothing; over maxBytes it has no hash', async () => {
    const big = Buffer.alloc(1024 * 1024 + 5, 'a');
    const entry = await entryOf(big);
    const digest = await entry.sha256();
    expect(digest).toBe(sha(big));
    expect(entry.takeWholeBytes(digest!)).toBeNull();
    expect(await entry.sha256(1024)).toBeNull();
    const small = await entryOf('H,first\n');
    expect(await small.sha256(3)).toBeNull();
    expect(small.takeWholeBytes(sha('H,first\n'))).toBeNull();
  });
});
