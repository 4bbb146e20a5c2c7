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
import { BookState, loadBookStateFromStore } from './book-state';
import { BookGate, bookGate } from './book';
import { FileEnv, ingestFile } from './ingest-file';
import { FileReport, IngestReport, summarise } from './ingest-report';

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
  /** Called after each file, in processing order. */
  onProgress?: (report: FileReport) => void;
  /** Limits on dropped files; defaults to the offering's `ingest_limits` over the defaults (docs/limits.md). */
  limits?: IngestLimits;
  /** Cross-file state; defaults to an in-memory book loaded from `<work>/store`. */
  bookState?: BookState;
  /** The book's lifecycle; defaults to the record in `<work>/lifecycle.json` (pipeline/book.ts). */
  gate?: BookGate;
  /** Test hook: called between a file's hash and its parse (a file still being written). */
  beforeParse?: (file: InboxFile) => Promise<void> | void;
  /** Test hook: a simulated crash after the store commit of a file. */
  afterCommit?: (file: InboxFile) => Promise<void> | void;
  /** Test hook: called at each step of each file (ingest-file.ts INGEST_STEPS). */
  onStep?: FileEnv['onStep'];
}

/** Errors of a name the work folder's file system cannot hold (the inbox's could). */
const NAME_ERRNOS = new Set(['ENAMETOOLONG', 'EILSEQ', 'EINVAL']);

export async function ingestInbox(options: IngestOptions): Promise<IngestReport> {
  const { workDir, inboxDir, logger } = options;
  const limits = options.limits ?? resolveIngestLimits(options.offering.ingest_limits);
  // Leftovers of a run that was stopped (temporary acks, store and claim files).
  await removeStaleClaims(workDir, inboxDir);
  const leftovers = (await removeAckLeftovers(workDir)) + (await removeStoreLeftovers(workDir));
  if (leftovers > 0) logger?.info({ removed: leftovers }, 'temporary files of a stopped run removed');
  const { files, ignored } = await scanInbox(inboxDir);
  const reportIgnored = (e: IgnoredEntry) => {
    ignored.push(e);
    logger?.warn({ entry: e.entry, reason: e.reason }, 'inbox entry ignored');
  };
  for (const e of ignored) logger?.warn({ entry: e.entry, reason: e.reason }, 'inbox entry ignored');
  const book = options.bookState ?? (await loadBookStateFromStore(workDir));
  const gate = options.gate ?? bookGate(workDir, inboxDir);
  const reports: FileReport[] = [];
  for (const file of files) {
    const opened = await openInboxEntry(file);
    if (!opened.ok) {
      reportIgnored(opened.ignored);
      continue;
    }
    let report: FileReport;
    try {
      report = await ingestFile(opened.entry, {
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
      });
    } catch (e) {
      if (e instanceof StorageError && e.errno !== null && NAME_ERRNOS.has(e.errno)) {
        reportIgnored({ entry: `${file.folder}/${file.name}`, reason: `name cannot be stored in the work folder (${e.errno})` });
        continue;
      }
      throw e;
    } finally {
      await opened.entry.close();
    }
    logger?.info(
      { participant: report.folder, file: report.file_name, sha256: report.sha256, outcome: report.outcome, reason_code: report.reason_code, records: report.records, accepted: report.accepted, rejected: report.rejected, recovered: report.recovered },
      'file ingested',
    );
    options.onProgress?.(report);
    reports.push(report);
  }
  return summarise(reports, ignored);
}
