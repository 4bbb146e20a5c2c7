/**
 * `ingestInbox`: every complete file of the inbox through ingest and validation, in a
 * deterministic order (participant folder, then file name, as UTF-8 bytes). Used by the `ingest`
 * command and by `run`. Data faults are results (acks); only configuration and storage faults throw.
 *
 * Outputs under the work folder:
 *   outbox/<folder>/<file>.ack.csv        acknowledgement of every dropped file
 *   processed/<folder>/<file>             accepted (and duplicate) files, byte-identical
 *   quarantine/<folder>/<file>            files rejected whole, byte-identical
 *   store/files/<participant>/<sha256>.*  the durable book (io/store.ts)
 *   claims/<folder>/<file>.json           in-flight journal (empty after a clean run)
 */
import type { Logger } from 'pino';
import type { ParticipantRegistry } from '../domain/types';
import type { Offering } from '../offering/schema';
import { InboxFile, IgnoredEntry, scanInbox } from '../io/inbox';
import { openInboxEntry } from '../io/inbox-entry';
import { removeStaleClaims } from '../io/claims';
import { removeAckLeftovers } from '../io/ack-file';
import { removeStoreLeftovers } from '../io/store';
import { StorageError } from '../domain/errors';
import { IngestLimits, resolveIngestLimits } from '../offering/ingest-limits';
import { availableParallelism } from 'node:os';
import { BookState, StoreBookState } from './book-state';
import { BookGate, bookGate } from './book';
import { FileEnv, ingestFile } from './ingest-file';
import { FileReport, IngestReport, summarise } from './ingest-report';
import { ingestFilesInParallel } from './parallel-ingest';
import type { IngestedBook } from './ingested-book';

export type { FileReport, IngestReport } from './ingest-report';
export { formatFileProgress, formatIgnored, formatTotals } from './ingest-report';

export interface IngestOptions {
  offering: Offering;
  participants: ParticipantRegistry;
  inboxDir: string;
  workDir: string;
  /** The application lists have closed: a file without a trailer is rejected (FILE_INCOMPLETE). @defaultValue false */
  closeLists?: boolean;
  /** One JSON line per file (counts only; identity numbers never appear). */
  logger?: Logger;
  /** Called once the inbox is scanned, with the number of files to process. */
  onScanned?: (files: number) => void;
  /** Called after each file, in processing order. */
  onProgress?: (report: FileReport) => void;
  /** Limits on dropped files; defaults to the offering's `ingest_limits` over the defaults (docs/limits.md). */
  limits?: IngestLimits;
  /**
   * Threads judging files while this one commits (parallel-ingest.ts); 0: every file on this
   * thread, one after the other. The outputs are the same either way.
   * @defaultValue defaultJudgeThreads() when the inbox holds at least 32 files, else 0
   */
  threads?: number;
  /**
   * Given, every file committed leaves its part of the compact book here (pipeline/ingested-book.ts):
   * `run` allocates from it without reading the store back. @defaultValue none
   */
  ingested?: IngestedBook;
  /** Cross-file state; defaults to the book committed in `<work>/store`, read as needed (book-state.ts StoreBookState). */
  bookState?: BookState;
  /** The book's lifecycle; defaults to the record in `<work>/lifecycle.json` (pipeline/book.ts). */
  gate?: BookGate;
  /** Test hook: called between a file's hash and its parse (a file still being written). Makes the run sequential. */
  beforeParse?: (file: InboxFile) => Promise<void> | void;
  /** Test hook: a simulated crash after the store commit of a file. */
  afterCommit?: (file: InboxFile) => Promise<void> | void;
  /** Test hook: called at each step of each file (ingest-file.ts INGEST_STEPS). Makes the run sequential. */
  onStep?: FileEnv['onStep'];
}

/** Errors of a name the work folder's file system cannot hold (the inbox's could). */
const NAME_ERRNOS = new Set(['ENAMETOOLONG', 'EILSEQ', 'EINVAL']);

/** Files from which a run judges in worker threads by default. */
const PARALLEL_FROM_FILES = 32;
/**
 * Files prepared at once in the parallel run (opened, read and hashed, claimed): one after the
 * other, the preparations were the run's longest chain (about 4 ms of waiting on the disk a file).
 */
const PREPARING = 4;

/**
 * Judging threads by default: the cores less one (the main thread's), at most 4, but as many as
 * the cores on one or two: the main thread mostly waits on the file system, and on two cores one
 * judging thread leaves about half a core idle (issue 9, docs/performance.md "A faster ingest").
 */
export function defaultJudgeThreads(cores: number = availableParallelism()): number {
  return Math.min(4, Math.max(Math.min(cores, 2), cores - 1, 1));
}

function threadsFor(options: IngestOptions, files: number): number {
  // Hooks that observe each step of each file see them one file after another.
  if (options.beforeParse || options.onStep) return 0;
  if (options.threads !== undefined) return options.threads;
  return files >= PARALLEL_FROM_FILES ? defaultJudgeThreads() : 0;
}

export async function ingestInbox(options: IngestOptions): Promise<IngestReport> {
  const { workDir, inboxDir, logger } = options;
  const limits = options.limits ?? resolveIngestLimits(options.offering.ingest_limits);
  // Leftovers of a run that was stopped (temporary acks, store and claim files).
  await removeStaleClaims(workDir, inboxDir);
  const leftovers = (await removeAckLeftovers(workDir)) + (await removeStoreLeftovers(workDir));
  if (leftovers > 0) logger?.info({ removed: leftovers }, 'temporary files of a stopped run removed');
  const { files, ignored } = await scanInbox(inboxDir);
  for (const e of ignored) logger?.warn({ entry: e.entry, reason: e.reason }, 'inbox entry ignored');
  options.onScanned?.(files.length);
  // Entries ignored while the files are processed, kept at their file's position in the run.
  const ignoredAt: IgnoredEntry[][] = files.map(() => []);
  const reportIgnored = (index: number, e: IgnoredEntry) => {
    ignoredAt[index]!.push(e);
    logger?.warn({ entry: e.entry, reason: e.reason }, 'inbox entry ignored');
  };
  const book = options.bookState ?? (await StoreBookState.load(workDir));
  const gate = options.gate ?? bookGate(workDir, inboxDir);
  const env: FileEnv = {
    offering: options.offering,
    participants: options.participants,
    workDir,
    closeLists: options.closeLists ?? false,
    gate,
    book,
    limits,
    ...(logger ? { logger } : {}),
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
    ...(options.beforeParse ? { beforeParse: options.beforeParse } : {}),
    ...(options.onStep ? { onStep: options.onStep } : {}),
    ...(options.ingested ? { ingested: options.ingested } : {}),
  };
  const reports: FileReport[] = [];
  const reportFile = (report: FileReport) => {
    logger?.info(
      { participant: report.folder, file: report.file_name, sha256: report.sha256, outcome: report.outcome, reason_code: report.reason_code, records: report.records, accepted: report.accepted, rejected: report.rejected, recovered: report.recovered },
      'file ingested',
    );
    options.onProgress?.(report);
    reports.push(report);
  };
  const isNameFault = (e: unknown) => e instanceof StorageError && e.errno !== null && NAME_ERRNOS.has(e.errno);
  const threads = threadsFor(options, files.length);
  if (threads > 0) {
    await ingestFilesInParallel({ files, env, threads, lookahead: Math.max(4, threads * 4), preparing: PREPARING, onIgnored: reportIgnored, onReport: reportFile, isNameFault });
  } else {
    for (const [index, file] of files.entries()) {
      const opened = await openInboxEntry(file);
      if (!opened.ok) {
        reportIgnored(index, opened.ignored);
        continue;
      }
      let report: FileReport;
      try {
        report = await ingestFile(opened.entry, env);
      } catch (e) {
        if (isNameFault(e)) {
          reportIgnored(index, { entry: `${file.folder}/${file.name}`, reason: `name cannot be stored in the work folder (${(e as StorageError).errno})` });
          continue;
        }
        throw e;
      } finally {
        await opened.entry.close();
      }
      reportFile(report);
    }
  }
  return summarise(reports, [...ignored, ...ignoredAt.flat()]);
}
