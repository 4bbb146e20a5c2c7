/**
 * The close of the book, in one process: the files in the book's inboxes at this instant are its
 * arrivals (recorded in the lifecycle); they are ingested with the lists closed, and every other
 * file is BOOK_CLOSED from now on. The caller holds the work folder.
 */
import { pendingArrivals, viewOf, type Lifecycle } from '../book/lifecycle';
import type { ParticipantRegistry } from '../domain/types';
import type { Offering } from '../offering/schema';
import { BookActor, closeBook, loadBook, rememberInbox, scanArrivals } from './book';
import { ingestInbox, IngestReport } from './ingest';

export interface CloseReport {
  /** The instant of the close; null when the book was closed before (nothing new). */
  at: string | null;
  arrivals: number;
  ingest: IngestReport[];
}

/** Ingests the close's arrivals still waiting in the book's inboxes, with the lists closed. */
export async function ingestArrivals(work: string, l: Lifecycle, p: { offering: Offering; registry: ParticipantRegistry }, actor: BookActor): Promise<IngestReport[]> {
  const reports: IngestReport[] = [];
  for (const inbox of l.inboxes) {
    if (pendingArrivals(l, await scanArrivals([inbox])).length === 0) continue;
    reports.push(await ingestInbox({
      offering: p.offering, participants: p.registry, inboxDir: inbox, workDir: work, closeLists: true, ...(actor.logger ? { logger: actor.logger } : {}),
    }));
  }
  return reports;
}

/** `close`: closes an open book now and ingests its arrivals (also finishes an interrupted close). */
export async function closeAndIngest(
  work: string, p: { offering: Offering; registry: ParticipantRegistry }, actor: BookActor, inboxes: readonly string[] = [],
): Promise<CloseReport> {
  let l = await loadBook(work, p.offering, actor);
  for (const inbox of inboxes) l = rememberInbox(l, inbox);
  const wasClosed = viewOf(l).closed !== null;
  l = await closeBook(work, l, actor);
  const closed = viewOf(l).closed!;
  const ingest = await ingestArrivals(work, l, p, actor);
  return { at: wasClosed ? null : closed.at, arrivals: closed.arrivals.length, ingest };
}
