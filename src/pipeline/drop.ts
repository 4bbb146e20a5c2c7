/**
 * One dropped file through ingest, for a BullMQ worker: exactly the step the embedded ingest takes
 * for each file (ingest-file.ts: read through its descriptor, claim journal and poison guard,
 * crash recovery from the store, the lifecycle's gate before reading and its fence before
 * committing), with what a process sharing the work folder with others needs around it:
 *  - the participant's view of the book is brought up to date from the store first
 *    (SyncedBookState): other workers may have committed the participant's earlier files;
 *  - a file stops the poison guard only after it stopped WORKER_POISON_ATTEMPTS workers;
 *  - a file no longer in the inbox was finished by an earlier attempt of the same job (a worker
 *    killed after the move), or by an earlier drop of the same file: there is nothing to do;
 *  - a file that cannot be read safely now (replaced while queued...) is skipped and reported, as
 *    the embedded ingest skips it; a changed file is queued again by the watcher;
 *  - a file left waiting for its trailer while the book closed meanwhile is one of the close's
 *    arrivals: it is judged again at once, now with the lists closed (FILE_INCOMPLETE), as the
 *    embedded close would have judged it.
 */
import { StorageError } from '../domain/errors';
import { openInboxEntry } from '../io/inbox-entry';
import { inboxFileAt } from '../io/inbox-file-at';
import { readClaim, removeClaim } from '../io/claims';
import { resolveIngestLimits } from '../offering/ingest-limits';
import { bookGate } from './book';
import { FileEnv, ingestFile } from './ingest-file';
import type { FileReport } from './ingest-report';
import type { SyncedBookState } from './synced-book-state';

export interface DropFile {
  /** The inbox folder (absolute). */
  inbox: string;
  /** The participant folder and the file name. */
  folder: string;
  name: string;
}

export type DropReport =
  | FileReport
  | { folder: string; file_name: string; outcome: 'GONE' }
  | { folder: string; file_name: string; outcome: 'SKIPPED'; reason: string };

export type DropEnv = Omit<FileEnv, 'gate' | 'book' | 'closeLists' | 'limits'> & { book: SyncedBookState; limits?: FileEnv['limits'] };

/**
 * The poison guard for workers: a worker dies for reasons of its own far more often than an
 * embedded run (a machine taken away, a shutdown that hands its job back), so a file is
 * quarantined as FILE_UNPROCESSABLE only after it stopped this many processes (the embedded
 * ingest: io/claims.ts POISON_ATTEMPTS). BullMQ gives a job up after 5 stalls: this comes first.
 */
export const WORKER_POISON_ATTEMPTS = 3;

/** Errors of a name the work folder's file system cannot hold (the inbox's could): skipped, as ingestInbox does. */
const NAME_ERRNOS = new Set(['ENAMETOOLONG', 'EILSEQ', 'EINVAL']);

async function judge(drop: DropFile, env: FileEnv): Promise<DropReport> {
  const file = await inboxFileAt(drop.inbox, drop.folder, drop.name);
  if (file === null) {
    // Moved by an earlier attempt, which may have stopped before removing its claim.
    if (await readClaim(env.workDir, drop.folder, drop.name)) await removeClaim(env.workDir, drop.folder, drop.name);
    return { folder: drop.folder, file_name: drop.name, outcome: 'GONE' };
  }
  const opened = await openInboxEntry(file);
  if (!opened.ok) return { folder: drop.folder, file_name: drop.name, outcome: 'SKIPPED', reason: opened.ignored.reason };
  try {
    return await ingestFile(opened.entry, env);
  } catch (e) {
    if (e instanceof StorageError && e.errno !== null && NAME_ERRNOS.has(e.errno)) {
      return { folder: drop.folder, file_name: drop.name, outcome: 'SKIPPED', reason: `name cannot be stored in the work folder (${e.errno})` };
    }
    throw e;
  } finally {
    await opened.entry.close();
  }
}

export async function ingestDrop(drop: DropFile, env: DropEnv): Promise<DropReport> {
  await env.book.sync(drop.folder);
  const gate = bookGate(env.workDir, drop.inbox);
  const fileEnv: FileEnv = { poisonAttempts: WORKER_POISON_ATTEMPTS, ...env, closeLists: false, gate, limits: env.limits ?? resolveIngestLimits(env.offering.ingest_limits) };
  const report = await judge(drop, fileEnv);
  if (report.outcome !== 'INCOMPLETE') return report;
  const file = await inboxFileAt(drop.inbox, drop.folder, drop.name);
  if (file === null) return report;
  const now = await gate.admit(file);
  // Still open: the file waits for its trailer. Closed meanwhile: judged now as the close would.
  return now.admit && !now.listsClosed ? report : judge(drop, fileEnv);
}
