/**
 * Writes an allocation's output folder and the book-closed marker. The only file code of the
 * allocation; the contents come ready-made from src/pipeline/allocate.ts.
 *
 * The folder is written all-or-nothing as far as a file system allows: the previous manifest is
 * removed first (no manifest = a run in progress), every file is written to a temporary name and
 * fsynced, then each is renamed into place, manifest.json last. A consumer that finds a manifest
 * finds every file it lists, and can check their bytes against it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StorageError } from '../domain/errors';
import { writeFileAtomic } from './atomic-write';

export const ALLOCATION_DIR = 'allocation';
export const BOOK_CLOSED_FILE = 'book-closed.json';

export function allocationDir(work: string): string {
  return path.join(work, ALLOCATION_DIR);
}

export function bookClosedPath(work: string): string {
  return path.join(work, BOOK_CLOSED_FILE);
}

async function writeTemp(dir: string, name: string, content: string): Promise<string> {
  const tmp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return tmp;
}

/** Writes the files (in the given order, the last one being the manifest) into `dir`. */
export async function writeOutputFolder(dir: string, files: readonly { name: string; content: string }[]): Promise<void> {
  const last = files[files.length - 1];
  if (!last) return;
  const temps: { tmp: string; file: string }[] = [];
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.rm(path.join(dir, last.name), { force: true });
    // Temporary files left by a run that crashed before its renames.
    for (const name of await fs.readdir(dir)) if (/^\..+\.[0-9a-f]{12}\.tmp$/.test(name)) await fs.rm(path.join(dir, name), { force: true });
    for (const f of files) temps.push({ tmp: await writeTemp(dir, f.name, f.content), file: path.join(dir, f.name) });
    for (const t of temps) await fs.rename(t.tmp, t.file);
  } catch (e) {
    await Promise.all(temps.map((t) => fs.rm(t.tmp, { force: true })));
    throw new StorageError(`cannot write ${dir}: ${(e as Error).message}`);
  }
}

/** Each named file's bytes, or null where it is missing. */
export async function readOutputFolder(dir: string, names: readonly string[]): Promise<Map<string, Buffer | null>> {
  const found = new Map<string, Buffer | null>();
  for (const name of names) {
    try {
      found.set(name, await fs.readFile(path.join(dir, name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new StorageError(`cannot read ${path.join(dir, name)}: ${(e as Error).message}`);
      found.set(name, null);
    }
  }
  return found;
}

/**
 * Closes the book: from now on ingest rejects new files with BOOK_CLOSED. Idempotent: an existing
 * marker is left as it is (the book was closed by an earlier run). The content is fixed text, no
 * time, so a re-run changes nothing.
 */
export async function writeBookClosed(work: string, stockCode: string): Promise<void> {
  const file = bookClosedPath(work);
  try {
    await fs.access(file);
    return;
  } catch {
    // not closed yet
  }
  try {
    await writeFileAtomic(file, JSON.stringify({ book_closed: true, stock_code: stockCode }, null, 2) + '\n');
  } catch (e) {
    throw new StorageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
