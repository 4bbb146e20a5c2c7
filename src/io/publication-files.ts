/**
 * The file side of publishing: reading an allocation's output files (streamed, each one hashed as
 * it is read so the bytes used are the bytes the manifest vouches for) and writing the
 * announcement's files atomically. No interpretation here: rows go to the pure code in
 * src/publish/.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StorageError } from '../domain/errors';
import { isWellFormedCsvLine, parseCsvLine, splitWellFormedCsvLine } from '../ingest/csv-line';
import { readLineBatches, TextLine } from '../ingest/line-reader';

export interface FileDigest {
  sha256: string;
  bytes: number;
}

function storageFault(file: string, e: unknown): StorageError {
  return new StorageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
}

/** A file's text, or null when it does not exist. */
export async function readTextFile(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw storageFault(file, e);
  }
}

/** SHA-256 and size of a file's bytes, streamed; null when it does not exist. */
export async function digestFile(file: string): Promise<FileDigest | null> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw storageFault(file, e);
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * The fields of one line of an output CSV (RFC 4180; the writers never put a line break inside a
 * field). A well-formed line is split by hand (the ingest's splitter, held equal to csv-parse by a
 * property test): csv-parse set up again for each quoted line (a payee's name with a comma) was a
 * third of the results site's index load at a million applications. Anything else goes to csv-parse.
 */
export function csvFields(text: string): string[] {
  if (text.indexOf('"') < 0) return text.split(',');
  return isWellFormedCsvLine(text) ? splitWellFormedCsvLine(text) : parseCsvLine(text);
}

/**
 * A text file's lines in batches, hashed as they are read (`digest()` once all are read), each
 * line checked to be UTF-8: the one reader of the output CSVs, pushed (streamCsvFile, the site's
 * index) or pulled (verify-site's cursors). A fault is a StorageError naming the file.
 */
export function checkedLineBatches(file: string): { batches: AsyncGenerator<TextLine[]>; digest(): FileDigest } {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  async function* batches(): AsyncGenerator<TextLine[]> {
    try {
      for await (const batch of readLineBatches(hashed())) {
        for (const l of batch) if (!l.utf8) throw new StorageError(`${file} line ${l.line}: not UTF-8`);
        yield batch;
      }
    } catch (e) {
      throw e instanceof StorageError ? e : storageFault(file, e);
    }
  }
  return { batches: batches(), digest: () => ({ sha256: hash.digest('hex'), bytes }) };
}

/**
 * Streams a CSV file: `onRecord(fields, line)` for every line, the header (line 1) included.
 * Returns the digest of exactly the bytes that were parsed.
 */
export async function streamCsvFile(file: string, onRecord: (fields: string[], line: number) => void): Promise<FileDigest> {
  const lines = checkedLineBatches(file);
  try {
    for await (const batch of lines.batches) for (const l of batch) onRecord(csvFields(l.text), l.line);
  } catch (e) {
    if (e instanceof Error && 'exitCode' in e) throw e;
    throw storageFault(file, e);
  }
  return lines.digest();
}

/**
 * Writes files into `dir` atomically: each to a temporary name (chunk by chunk), fsynced, then all
 * renamed into place. Returns each file's digest.
 */
export async function writeFilesAtomically(dir: string, files: readonly { name: string; chunks: Iterable<string> }[]): Promise<Map<string, FileDigest>> {
  const temps: { tmp: string; file: string }[] = [];
  const digests = new Map<string, FileDigest>();
  try {
    await fs.mkdir(dir, { recursive: true });
    for (const f of files) {
      const tmp = path.join(dir, `.${f.name}.${randomBytes(6).toString('hex')}.tmp`);
      temps.push({ tmp, file: path.join(dir, f.name) });
      const hash = createHash('sha256');
      let bytes = 0;
      const handle = await fs.open(tmp, 'w');
      try {
        for (const text of f.chunks) {
          const buf = Buffer.from(text, 'utf8');
          hash.update(buf);
          bytes += buf.length;
          await handle.writeFile(buf);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      digests.set(f.name, { sha256: hash.digest('hex'), bytes });
    }
    for (const t of temps) await fs.rename(t.tmp, t.file);
  } catch (e) {
    await Promise.all(temps.map((t) => fs.rm(t.tmp, { force: true })));
    if (e instanceof Error && 'exitCode' in e) throw e;
    throw new StorageError(`cannot write ${dir}: ${(e as Error).message}`);
  }
  return digests;
}
