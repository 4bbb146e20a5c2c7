/**
 * The lifecycle record `<work>/lifecycle.json` (src/book/lifecycle.ts): read, written atomically
 * (temporary file, fsync, rename, fsync of the folder), and watched cheaply (re-read only when the
 * file changed) so that ingest can ask it before every commit.
 *
 * A work folder of an earlier version has `book-closed.json` instead: it is read as a book closed
 * at an unknown instant with no recorded arrivals, and the next transition writes lifecycle.json.
 */
import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { StorageError } from '../domain/errors';
import type { Lifecycle } from '../book/lifecycle';
import { writeFileAtomic } from './atomic-write';

export const LIFECYCLE_FILE = 'lifecycle.json';
const LEGACY_CLOSED_FILE = 'book-closed.json';

export function lifecyclePath(work: string): string {
  return path.join(work, LIFECYCLE_FILE);
}

function parseLifecycle(text: string, file: string): Lifecycle {
  let l: Lifecycle;
  try {
    l = JSON.parse(text) as Lifecycle;
  } catch (e) {
    throw new StorageError(`${file}: not valid JSON (${(e as Error).message}); the book's record is damaged`);
  }
  if (l?.format !== 1 || !Array.isArray(l.transitions) || !Array.isArray(l.inboxes) || typeof l.offering?.stock_code !== 'string') {
    throw new StorageError(`${file}: not a lifecycle record of format 1; the book's record is damaged`);
  }
  return l;
}

async function readLegacy(work: string): Promise<Lifecycle | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(work, LEGACY_CLOSED_FILE), 'utf8');
  } catch {
    return null;
  }
  let stockCode = '';
  try {
    stockCode = String((JSON.parse(text) as { stock_code?: unknown }).stock_code ?? '');
  } catch {
    // a damaged marker still means the book was closed
  }
  const actor = { at: '', command: 'book-closed.json', operator: '', host: '', pid: 0 };
  return {
    format: 1,
    offering: { stock_code: stockCode, issuer: '', hong_kong_initial_shares: 0 },
    inboxes: [],
    transitions: [{ ...actor, to: 'open' }, { ...actor, to: 'closed', arrivals: [] }],
  };
}

/** The record, or null when the folder holds none (nor a legacy book-closed.json). */
export async function readLifecycle(work: string): Promise<Lifecycle | null> {
  const file = lifecyclePath(work);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return readLegacy(work);
    throw new StorageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseLifecycle(text, file);
}

export async function writeLifecycle(work: string, l: Lifecycle): Promise<void> {
  const file = lifecyclePath(work);
  try {
    await writeFileAtomic(file, JSON.stringify(l, null, 2) + '\n');
    await syncFolder(work);
  } catch (e) {
    throw new StorageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** fsync of a folder, so a rename into it survives a power cut. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The record as it is now, re-read only when lifecycle.json changed (inode, size or mtime), so
 * asking before every commit costs one stat.
 */
export class LifecycleWatch {
  private cached: Lifecycle | null = null;
  private stamp = '';

  constructor(private readonly work: string) {}

  async current(): Promise<Lifecycle | null> {
    let stamp: string;
    try {
      // Synchronously: asked twice a file by the ingest (admission and fence), one system call.
      const st = statSync(lifecyclePath(this.work), { bigint: true });
      stamp = `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch {
      stamp = 'none';
    }
    if (stamp !== this.stamp || stamp === 'none') {
      this.cached = await readLifecycle(this.work);
      this.stamp = stamp;
    }
    return this.cached;
  }
}
