/**
 * The close of the book, in one process: the files in the book's inboxes at this instant are its
 * arrivals (recorded in the lifecycle); they are ingested with the lists closed, and every other
 * file is BOOK_CLOSED from now on. The caller holds the work folder.
 */
import * as path from 'node:path';
import { Arrival, InboxEntry, pendingArrivals, viewOf, type Lifecycle } from '../book/lifecycle';
import type { ParticipantRegistry } from '../domain/types';
import type { Offering } from '../offering/schema';
import { BookActor, closeBook, inboxEntryOf, loadBook, rememberInbox, scanArrivals } from './book';
import { ingestInbox, IngestReport } from './ingest';

export interface CloseReport {
  /** The instant of the close; null when the book was closed before (nothing new). */
  at: string | null;
  arrivals: number;
  ingest: IngestReport[];
}

/**
 * Closes an open book now, ingesting nothing (the distributed close: the workers holding the
 * arrivals ingest them; the allocation waits for arrivalsInInboxes to empty). Idempotent.
 */
export async function closeOnly(work: string, offering: Offering, actor: BookActor, inboxes: readonly string[] = []): Promise<{ l: Lifecycle; closedNow: boolean }> {
  let l = await loadBook(work, offering, actor);
  for (const inbox of inboxes) l = rememberInbox(l, inbox);
  const wasClosed = viewOf(l).closed !== null;
  l = await closeBook(work, l, actor);
  return { l, closedNow: !wasClosed };
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

/**
 * The close's arrivals whose place in an inbox (folder/name) is still taken, with what is there
 * now. A file leaves its inbox only after its commit (or its rejection), so when this is empty
 * every arrival has been judged and committed, whoever held it: the distributed close waits for
 * that before allocating. A place taken by a file changed since the close counts too: the worker
 * that read it before the close may still be committing it, and the change itself is answered
 * BOOK_CLOSED by the next job, which frees the place.
 */
export async function arrivalsInInboxes(l: Lifecycle): Promise<{ arrival: Arrival; now: InboxEntry }[]> {
  const closed = viewOf(l).closed;
  if (closed === null) return [];
  const waiting: { arrival: Arrival; now: InboxEntry }[] = [];
  for (const arrival of closed.arrivals) {
    const now = await inboxEntryOf(arrival.inbox, { ...arrival, path: path.join(arrival.inbox, arrival.folder, arrival.name) });
    if (now) waiting.push({ arrival, now });
  }
  return waiting;
}
