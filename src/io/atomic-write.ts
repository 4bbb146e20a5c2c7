/**
 * Atomic file writes: write to a temporary file in the same folder, fsync, then rename, so a
 * reader (or a crash) never sees a half-written file. The temporary name is
 * `.<name>.<12 hex>.tmp`; a run stopped between write and rename leaves it behind, and the
 * owner of the folder removes such leftovers on its next start.
 */
import { closeSync, openSync, promises as fs, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StorageError } from '../domain/errors';
import { ensureFolder, ensureFolderSync } from './ensure-folder';
import { closeQuietly } from './descriptors';
import { fsyncThroughPool, openThroughPool } from './pool-calls';

/** `.<name>.<12 random hex>.tmp` beside the file (random: writers in other processes share folders). */
function temporaryName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = temporaryName(file);
  await ensureFolder(dir);
  let step = 'write';
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    step = 'rename into place';
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw StorageError.wrap(step, file, e);
  }
}

/**
 * The same for a small file (a claim, a store's meta): the same steps in the same order, the tiny
 * ones (write, close, rename) made synchronously; the creation and the fsync, which wait for the
 * file system's journal while other files are fsynced, through the thread pool: two hand-offs to
 * the pool instead of six. The folder is created only when the first open finds it missing.
 *
 * `fsync: false` (a claim, io/claims.ts): no fsync. Readers never see a half-written file (the
 * rename is still atomic), and the name is as durable as the file system makes the renames after
 * it; after a power cut the bytes may be missing (an empty file), which the reader must accept.
 */
export async function writeSmallFileAtomic(file: string, data: string, o: { fsync: boolean } = { fsync: true }): Promise<void> {
  const dir = path.dirname(file);
  const tmp = temporaryName(file);
  const open = () => openThroughPool(tmp, 'w');
  let fd: number | null = null;
  let step = 'write';
  try {
    try {
      fd = await open();
    } catch {
      // The folder missing (or not a folder): ensureFolder names it; any other fault comes again below.
      await ensureFolder(dir);
    }
    fd ??= await open();
    writeWhole(fd, data);
    const written = fd;
    if (o.fsync) await fsyncThroughPool(written);
    fd = null;
    closeSync(written);
    step = 'rename into place';
    renameSync(tmp, file);
  } catch (e) {
    abandon(fd, tmp);
    throw StorageError.wrap(step, file, e);
  }
}

/** All of `data` written to `fd` (small files: synchronous writes). */
function writeWhole(fd: number, data: string): void {
  const bytes = Buffer.from(data, 'utf8');
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** After a fault: the descriptor (if still open) closed and the temporary file removed. */
function abandon(fd: number | null, tmp: string): void {
  if (fd !== null) closeQuietly(fd);
  try {
    rmSync(tmp, { force: true });
  } catch {
    // Left for the owner's cleanup of temporary names on its next start.
  }
}

/**
 * The same steps without an fsync, every one synchronous (a claim written by a judging thread just
 * before it parses the file, pipeline/judge-worker.ts: no hand-off to the thread pool and back
 * between the claim and the parse). Readers never see a half-written file; after a power cut the
 * bytes may be missing (an empty file), which the reader must accept.
 */
export function writeSmallFileAtomicUnsyncedSync(file: string, data: string): void {
  const tmp = temporaryName(file);
  let fd: number | null = null;
  let step = 'write';
  try {
    try {
      fd = openSync(tmp, 'w');
    } catch {
      // The folder missing (or not a folder): ensureFolderSync names it; any other fault comes again below.
      ensureFolderSync(path.dirname(file));
    }
    fd ??= openSync(tmp, 'w');
    writeWhole(fd, data);
    const written = fd;
    fd = null;
    closeSync(written);
    step = 'rename into place';
    renameSync(tmp, file);
  } catch (e) {
    abandon(fd, tmp);
    throw StorageError.wrap(step, file, e);
  }
}
