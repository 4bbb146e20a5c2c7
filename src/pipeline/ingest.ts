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
import { InboxFile, scanInbox } from '../io/inbox';
import { removeStaleClaims } from '../io/claims';
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

export async function ingestInbox(options: IngestOptions): Promise<IngestReport> {
  const { workDir, inboxDir, logger } = options;
  await removeStaleClaims(workDir, inboxDir);
  const { files, ignored } = await scanInbox(inboxDir);
  for (const e of ignored) logger?.warn({ entry: e.entry, reason: e.reason }, 'inbox entry ignored');
  const book = options.bookState ?? (await loadBookStateFromStore(workDir));
  const gate = options.gate ?? bookGate(workDir, inboxDir);
  const reports: FileReport[] = [];
  for (const file of files) {
    const report = await ingestFile(file, {
      offering: options.offering,
      participants: options.participants,
      workDir,
      closeLists: options.closeLists ?? false,
      gate,
      book,
      ...(logger ? { logger } : {}),
      ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
      ...(options.beforeParse ? { beforeParse: options.beforeParse } : {}),
      ...(options.onStep ? { onStep: options.onStep } : {}),
    });
    logger?.info(
      { participant: report.folder, file: report.file_name, sha256: report.sha256, outcome: report.outcome, reason_code: report.reason_code, records: report.records, accepted: report.accepted, rejected: report.rejected, recovered: report.recovered },
      'file ingested',
    );
    options.onProgress?.(report);
    reports.push(report);
  }
  return summarise(reports, ignored);
}
