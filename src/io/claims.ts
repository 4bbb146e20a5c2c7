/**
 * The claim journal: `<work>/claims/<folder>/<file name>.json`, written before a file is parsed
 * (in a parallel ingest by the judging thread, just before it parses the file: writeClaimSync)
 * and removed after it is moved out of the inbox. A claim found on start means a run stopped part
 * way: if the store already has the file committed, the pipeline finishes (ack, move) from the
 * store instead of answering DUPLICATE_FILE.
 *
 * The claim also counts the runs that started on the file without finishing it (`attempts`): a
 * file that stopped the process twice (killed by the kernel for memory, an abort, an internal
 * fault) is quarantined by the next run as FILE_UNPROCESSABLE instead of stopping it again, so
 * the files of every other participant are still processed (the poison-file guard). A storage
 * fault is not the file's doing: its claim is removed before the fault is reported.
 *
 * A claim is written without an fsync (issue 9: one of the four an accepted file cost). Neither
 * of its uses needs one:
 *
 *   - the poison guard counts runs that stopped: a process killed (by the kernel for memory, an
 *     abort) leaves its writes in the page cache, where the next run reads them. Only a power cut
 *     can lose them, and that stop is not the file's doing;
 *   - recovery needs the claim's name to survive whenever the commit that follows it does. The
 *     claim is renamed into place before the file is parsed, so before the store's lines, meta
 *     and acknowledgement are fsynced and renamed: the journal that makes those renames durable
 *     (the requirement on the work folder's file system, docs/performance.md "Durability")
 *     carries the claim's name with them. Its bytes may not survive (a power cut before the file
 *     system wrote them leaves an empty file): such a claim is read as `torn`, a claim of this
 *     file whose bytes are unknown. Recovery then asks that the commit found for the file's
 *     bytes also names the file; the poison guard counts a torn claim as no attempt.
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { StorageError, systemErrorCode } from '../domain/errors';
import { writeSmallFileAtomic, writeSmallFileAtomicUnsyncedSync } from './atomic-write';

export interface Claim {
  folder: string;
  file_name: string;
  sha256: string;
  /** Runs that started parsing this file, this one included. Absent in claims written before it was counted: 1. */
  attempts?: number;
}

/** A claim whose bytes could not be read (empty after a power cut, or changed by hand). */
export interface TornClaim {
  torn: true;
  folder: string;
  file_name: string;
}

export function isTornClaim(claim: Claim | TornClaim): claim is TornClaim {
  return 'torn' in claim;
}

/** Runs that may stop on one file before the next quarantines it. */
export const POISON_ATTEMPTS = 2;

function claimPath(work: string, folder: string, fileName: string): string {
  return path.join(work, 'claims', folder, `${fileName}.json`);
}

export async function writeClaim(work: string, claim: Claim): Promise<void> {
  const file = claimPath(work, claim.folder, claim.file_name);
  try {
    await writeSmallFileAtomic(file, JSON.stringify(claim) + '\n', { fsync: false });
  } catch (e) {
    throw StorageError.wrap('write the claim', file, e);
  }
}

/**
 * The same, synchronously: what a judging thread does just before it parses the file (the parallel
 * ingest, pipeline/judge-worker.ts), so the parse never waits for a round trip to the main thread.
 */
export function writeClaimSync(work: string, claim: Claim): void {
  const file = claimPath(work, claim.folder, claim.file_name);
  try {
    writeSmallFileAtomicUnsyncedSync(file, JSON.stringify(claim) + '\n');
  } catch (e) {
    throw StorageError.wrap('write the claim', file, e);
  }
}

/** The claim of a file, `torn` when a claim is there but its bytes cannot be read, null when there is none. */
export async function readClaim(work: string, folder: string, fileName: string): Promise<Claim | TornClaim | null> {
  const file = claimPath(work, folder, fileName);
  let text: string;
  try {
    // Synchronously: a claim is a line, and most files have none (one system call, no hand-off).
    // Asked first whether it exists: a missing file read throws, and building that error cost
    // about 0.1 ms a file on the main thread (issue 9).
    if (!existsSync(file)) return null;
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (systemErrorCode(e) === 'ENOENT') return null;
    throw StorageError.wrap('read the claim', file, e);
  }
  const torn: TornClaim = { torn: true, folder, file_name: fileName };
  try {
    const claim = JSON.parse(text) as Claim;
    return claim !== null && typeof claim === 'object' && typeof claim.sha256 === 'string' ? claim : torn;
  } catch {
    // Empty after a power cut (its bytes never fsynced), or written by hand.
    return torn;
  }
}

export async function removeClaim(work: string, folder: string, fileName: string): Promise<void> {
  const file = claimPath(work, folder, fileName);
  try {
    // Through the thread pool: the unlink of a file fsynced moments ago waits for the file
    // system's journal (1-2 ms a claim measured on ext4), which the main thread should not.
    // An unlink, not fs.rm: rm checks the path with two lstat calls first (0.3 s of the main
    // thread's time in a 1M ingest); a claim is a regular file or nothing.
    await fs.unlink(file);
  } catch (e) {
    if (systemErrorCode(e) === 'ENOENT') return;
    throw StorageError.wrap('remove the claim', file, e);
  }
}

/** Temporary files of writeFileAtomic: `.<name>.<12 hex>.tmp`. */
export const ATOMIC_TEMP = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * On start: removes claims whose inbox file is gone (the run stopped after the move, before the
 * removal) and temporary claim files left by a run stopped between write and rename.
 */
export async function removeStaleClaims(work: string, inboxDir: string): Promise<void> {
  const root = path.join(work, 'claims');
  let folders: string[];
  try {
    folders = await fs.readdir(root);
  } catch {
    return;
  }
  for (const folder of folders) {
    for (const name of await fs.readdir(path.join(root, folder)).catch(() => [] as string[])) {
      const file = path.join(root, folder, name);
      if (ATOMIC_TEMP.test(name)) {
        await fs.rm(file, { force: true }).catch((e: unknown) => { throw StorageError.wrap('remove the leftover', file, e); });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const inboxFile = path.join(inboxDir, folder, name.slice(0, -'.json'.length));
      const exists = await fs.lstat(inboxFile).then(() => true, () => false);
      if (!exists) await fs.rm(file, { force: true }).catch((e: unknown) => { throw StorageError.wrap('remove the claim', file, e); });
    }
  }
}
