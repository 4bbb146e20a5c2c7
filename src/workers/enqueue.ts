/**
 * Putting files found in an inbox into their participants' drop ledgers, and queueing the ingest
 * job of each participant's first pending drop ("kicking" it). Used by the watcher (files that
 * look complete), by `close` and by the allocation job (every file that arrived before the close
 * and is still in an inbox). Queueing is idempotent: a job id already in Redis is not added twice.
 */
import type { InboxEntry } from '../book/lifecycle';
import { createHash } from 'node:crypto';
import { hashInboxFile, inboxFileAt } from '../io/inbox-file-at';
import type { AddMode, FoundFile } from './drop-ledger';
import { ingestJobId, type BookRef, type IngestJob } from './queues';
import type { RunContext } from './run-context';

const sameEntry = (a: InboxEntry, b: { dev: bigint; ino: bigint } | null) => b !== null && BigInt(a.dev) === b.dev && BigInt(a.ino) === b.ino;

/**
 * Hashes the files (in the order given: per participant, the order their drops take) through
 * their descriptors and adds them to the ledgers, then kicks every participant touched. A file
 * that changed while it was hashed is left for the next scan. A file larger than `maxFileBytes`
 * is not read: its drop is named by a hash of its identity (it is answered FILE_TOO_LARGE
 * unread). Returns the files handed to the ledger.
 */
export async function enqueueFiles(ctx: RunContext, book: BookRef, entries: readonly InboxEntry[], mode: AddMode, maxFileBytes: number): Promise<InboxEntry[]> {
  const byFolder = new Map<string, FoundFile[]>();
  const handed: InboxEntry[] = [];
  // The close's arrivals mostly have a pending drop already: those are not hashed again.
  const skip = new Set<InboxEntry>();
  if (mode === 'close') {
    for (const folder of new Set(entries.map((e) => e.folder))) {
      const mine = entries.filter((e) => e.folder === folder);
      (await ctx.ledger.hasPendingDrop(folder, mine)).forEach((pending, i) => { if (pending) skip.add(mine[i]!); });
    }
  }
  for (const entry of entries) {
    if (skip.has(entry)) continue;
    const file = await inboxFileAt(entry.inbox, entry.folder, entry.name);
    if (file === null || !sameEntry(entry, file)) continue;
    const hashed = await hashInboxFile(file, maxFileBytes);
    if (hashed === null || !sameEntry(entry, await inboxFileAt(entry.inbox, entry.folder, entry.name))) continue;
    const sha256 = hashed.sha256 ?? createHash('sha256').update(`too large: ${JSON.stringify(entry)}`).digest('hex');
    const list = byFolder.get(entry.folder) ?? [];
    list.push({ entry, sha256 });
    byFolder.set(entry.folder, list);
    handed.push(entry);
  }
  for (const [folder, files] of byFolder) {
    const added = await ctx.ledger.add(folder, files, mode);
    if (added > 0) ctx.logger.info({ participant: folder, files: files.length, added, mode }, 'files queued');
    await kick(ctx, book, folder);
  }
  return handed;
}

/** Queues the ingest job of the participant's first pending drop (a no-op when it is queued). */
export async function kick(ctx: RunContext, book: BookRef, folder: string, retryFailed = false): Promise<void> {
  const head = await ctx.ledger.head(folder);
  if (!head) return;
  const jobId = ingestJobId(folder, head.id);
  const data: IngestJob = { book, inbox: head.inbox, folder, name: head.name, sha256: head.sha256, drop: head.id, seq: head.seq };
  let job = await ctx.queues.ingest.add('ingest', data, { jobId });
  const state = await job.getState();
  if (state === 'unknown' || state === 'completed') {
    // A job left behind by Redis losing its data (a key without a place in any queue), or one
    // that completed while its drop is still pending: the drop has no live job; queue it afresh.
    await ctx.queues.ingest.remove(jobId).catch(() => 0);
    await ctx.redis.del(`${ctx.target.prefix}:ingest:${jobId}`, `${ctx.target.prefix}:ingest:${jobId}:logs`);
    job = await ctx.queues.ingest.add('ingest', data, { jobId });
    ctx.logger.warn({ job_id: jobId, participant: folder, was: state }, 'ingest job queued afresh');
  }
  if (retryFailed && (await job.getState()) === 'failed') {
    await job.retry('failed');
    ctx.logger.info({ job_id: jobId, participant: folder }, 'failed job put back');
  }
}

/** Kicks every participant with pending drops (each watcher scan: repairs a kick lost in a crash). */
export async function kickAll(ctx: RunContext, book: BookRef, retryFailed = false): Promise<void> {
  for (const folder of (await ctx.ledger.pending()).keys()) await kick(ctx, book, folder, retryFailed);
}
