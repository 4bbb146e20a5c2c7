/**
 * One dropped file through ingest, for a BullMQ worker: exactly the step the embedded ingest takes
 * for each file (ingest-file.ts: claim journal, crash recovery from the store, the lifecycle's gate
 * before reading and its fence before committing), with what a process sharing the work folder
 * with others needs around it:
 *  - the participant's view of the book is brought up to date from the store first
 *    (SyncedBookState): other workers may have committed the participant's earlier files;
 *  - a file no longer in the inbox was finished by an earlier attempt of the same job (a worker
 *    killed after the move), or by an earlier drop of the same file: there is nothing to do;
 *  - a file left waiting for its trailer while the book closed meanwhile is one of the close's
 *    arrivals: it is judged again at once, now with the lists closed (FILE_INCOMPLETE), as the
 *    embedded close would have judged it.
 */
import * as path from 'node:path';
import type { InboxFile } from '../io/inbox';
import { readClaim, removeClaim } from '../io/claims';
import { bookGate, inboxEntryOf } from './book';
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

export type DropReport = FileReport | { folder: string; file_name: string; outcome: 'GONE' };

export type DropEnv = Omit<FileEnv, 'gate' | 'book' | 'closeLists'> & { book: SyncedBookState };

export async function ingestDrop(drop: DropFile, env: DropEnv): Promise<DropReport> {
  const file: InboxFile = { folder: drop.folder, name: drop.name, path: path.join(drop.inbox, drop.folder, drop.name) };
  if ((await inboxEntryOf(drop.inbox, file)) === null) {
    // Moved by an earlier attempt, which may have stopped before removing its claim.
    if (await readClaim(env.workDir, file.folder, file.name)) await removeClaim(env.workDir, file.folder, file.name);
    return { folder: drop.folder, file_name: drop.name, outcome: 'GONE' };
  }
  await env.book.sync(drop.folder);
  const gate = bookGate(env.workDir, drop.inbox);
  const fileEnv: FileEnv = { ...env, closeLists: false, gate };
  const report = await ingestFile(file, fileEnv);
  if (report.outcome !== 'INCOMPLETE' || (await inboxEntryOf(drop.inbox, file)) === null) return report;
  const now = await gate.admit(file);
  // Still open: the file waits for its trailer. Closed meanwhile: judged now as the close would.
  return now.admit && !now.listsClosed ? report : ingestFile(file, fileEnv);
}
