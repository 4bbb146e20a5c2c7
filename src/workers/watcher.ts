/**
 * `ccass-batch watch`: notices complete files in an inbox and queues one ingest job per file.
 * A file is complete when its last line is the trailer (the end marker): a file still being
 * written waits. Once the book is closed every file is queued as it is (its fate no longer depends
 * on its end: it is BOOK_CLOSED unless it arrived before the close). Files found together are
 * handed to their participants' drop ledgers in the order the embedded ingest takes them, and
 * every scan queues each participant's next file (drop-ledger.ts, enqueue.ts). Any number of
 * watchers may watch the same inbox: the ledger gives each file one drop.
 *
 * At start it registers the book for its Redis prefix, holds the work folder with the group,
 * records its inbox in the book's lifecycle (as `ingest` does) and upserts the nightly
 * provisional run's scheduler.
 */
import type { InboxEntry } from '../book/lifecycle';
import { viewOf } from '../book/lifecycle';
import { isTrailerLine } from '../ingest/end-marker';
import { readLastLine } from '../io/file-tail';
import { scanInbox } from '../io/inbox';
import { readLifecycle } from '../io/lifecycle-file';
import type { Offering } from '../offering/schema';
import { resolveIngestLimits } from '../offering/ingest-limits';
import { BookActor, inboxEntryOf, loadBook, recordInbox } from '../pipeline/book';
import { withBookMutex } from './book-mutex';
import { registerBook } from './book-ref';
import { enqueueFiles, kickAll } from './enqueue';
import type { Membership } from './membership';
import type { BookRef } from './queues';
import type { RunContext } from './run-context';
import { scheduleProvisional } from './scheduler';

export interface WatchOptions {
  book: BookRef;
  offering: Offering;
  inbox: string;
  /** Between two scans. @defaultValue 2000 */
  intervalMs: number;
  /** Put failed ingest jobs back, once, at the first scan (after the operator fixed their cause). */
  retryFailed: boolean;
  /** Replace the offering's provisional hour by an interval (drills, tests). */
  provisionalEveryMs?: number;
  actor: BookActor;
}

const identity = (e: InboxEntry) => JSON.stringify([e.folder, e.name, e.dev, e.ino, e.size, e.mtime_ms]);

export class Watcher {
  private readonly known = new Set<string>();
  private readonly ignoredLogged = new Set<string>();
  private retryFailed: boolean;

  constructor(private readonly ctx: RunContext, private readonly membership: Membership, private readonly o: WatchOptions) {
    this.retryFailed = o.retryFailed;
  }

  async start(): Promise<void> {
    const { ctx, o } = this;
    await registerBook(ctx.redis, ctx.target, o.book);
    await this.membership.ensure(o.book.work);
    await withBookMutex(ctx.redis, ctx.target, async () => recordInbox(o.book.work, await loadBook(o.book.work, o.offering, o.actor, true), o.inbox, o.actor));
    const repeat = await scheduleProvisional(ctx.queues.provisional, o.book, o.offering, o.provisionalEveryMs);
    ctx.logger.info({ inbox: o.inbox, work: o.book.work, provisional: repeat }, 'watching');
  }

  /** One scan: queue the new complete files, kick every participant; returns the files queued. */
  async scan(): Promise<number> {
    const { ctx, o } = this;
    await this.membership.ensure(o.book.work);
    const l = await readLifecycle(o.book.work);
    const open = l === null || viewOf(l).closed === null;
    const { files, ignored } = await scanInbox(o.inbox);
    for (const e of ignored) {
      if (this.ignoredLogged.has(e.entry)) continue;
      this.ignoredLogged.add(e.entry);
      ctx.logger.warn({ entry: e.entry, reason: e.reason }, 'inbox entry ignored');
    }
    const fresh: InboxEntry[] = [];
    for (const f of files) {
      const entry = await inboxEntryOf(o.inbox, f);
      if (entry === null || this.known.has(identity(entry))) continue;
      if (open && !isTrailerLine(await readLastLine(f.path))) continue;
      fresh.push(entry);
    }
    const queued = await enqueueFiles(ctx, o.book, fresh, 'watch', resolveIngestLimits(o.offering.ingest_limits).max_file_bytes);
    for (const e of queued) this.known.add(identity(e));
    await kickAll(ctx, o.book, this.retryFailed);
    this.retryFailed = false; // once: a file failing again stays failed, to be seen
    return queued.length;
  }
}

