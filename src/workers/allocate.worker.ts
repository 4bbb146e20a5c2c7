/**
 * `allocate` (the flow's child): the close's allocation. It waits, without holding a worker, until
 * every file that arrived before the close has left its inbox (judged and committed by whichever
 * worker holds it: the close is a fence, docs/redis.md), queueing any such file that has no drop;
 * then checks the parameters against the book (refused ones fail the flow with nothing recorded)
 * and records the intent (`allocating`). Repeated or retried, it never records a second one.
 */
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { prepareAllocation, parametersFromRecord } from '../pipeline/allocate';
import { arrivalsInInboxes, closeOnly } from '../pipeline/close';
import { withBookMutex } from './book-mutex';
import { enqueueFiles } from './enqueue';
import { retryLater } from './job-shell';
import { allocationJobSchema, parseJobData } from './queues';
import { resolveIngestLimits } from '../offering/ingest-limits';
import type { WorkerContext } from './worker-context';

export async function processAllocate(ctx: WorkerContext, job: Job, log: Logger, token?: string) {
  const d = parseJobData(allocationJobSchema, job);
  await ctx.membership.ensure(d.book.work);
  const book = await ctx.books.open(d.book);
  const params = parametersFromRecord(d, book.offering, book.registry);
  const actor = { command: 'close (allocate job)', operator: d.operator, logger: log };
  const { l } = await withBookMutex(ctx.redis, ctx.target, () => closeOnly(d.book.work, book.offering, actor));
  const waiting = await arrivalsInInboxes(l);
  if (waiting.length > 0) {
    await enqueueFiles(ctx, d.book, waiting.map((w) => w.now), 'close', resolveIngestLimits(book.offering.ingest_limits).max_file_bytes);
    if (job.progress !== waiting.length) log.info({ waiting: waiting.length }, 'waiting for the files that arrived before the close');
    await job.updateProgress(waiting.length);
    return retryLater(job, token, 1000);
  }
  const prepared = await withBookMutex(ctx.redis, ctx.target, () => prepareAllocation(d.book.work, params, { actor, arrivals: 'ingested' }));
  const result = { already: prepared.already !== null, valid_applications: prepared.valid_applications, subscription_multiple: prepared.sizing?.subscription_multiple ?? null };
  log.info(result, 'allocation prepared');
  return result;
}
