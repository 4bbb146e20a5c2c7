/**
 * The distributed close (`ccass-batch close --final-price P --seed TEXT` on Redis):
 *   1. the close of the lifecycle, now, by this command (so its instant is when the operator ran
 *      it, not when a worker got to it): the files in the inboxes at this instant are the last
 *      arrivals; any later one is BOOK_CLOSED, whichever worker meets it;
 *   2. every arrival still in an inbox is queued (in its participant's drop order), so none is
 *      left behind even with no watcher running;
 *   3. the allocation as one BullMQ flow: `allocate` (waits for the arrivals, derives, records the
 *      intent) then `export` (writes the files, records the allocation as final). The parent runs
 *      only when its child completed and fails when it failed. Job ids come from the parameters:
 *      repeating `close` queues nothing new, and a flow that failed is started afresh;
 *   4. `--wait`: follows the flow to its end (exit 0 with the summary, or the failure's exit code).
 * The same allocation already final is reported and nothing is queued; another one is refused
 * before anything happens (exit 3), as `allocate` refuses it.
 */
import { FlowProducer } from 'bullmq';
import { describeParameters, planAllocation, viewOf, type FinalTransition } from '../book/lifecycle';
import type { Summary } from '../refund/summary';
import { describeSummary } from '../refund/summary';
import { allocationDir, readOutputFolder } from '../io/outputs';
import { AllocationParameters, allocationRecord } from '../pipeline/allocate';
import { BookActor, loadBook } from '../pipeline/book';
import { arrivalsInInboxes, closeOnly } from '../pipeline/close';
import type { Offering } from '../offering/schema';
import { resolveIngestLimits } from '../offering/ingest-limits';
import { withBookMutex } from './book-mutex';
import { connectionOptions } from './connection';
import { enqueueFiles } from './enqueue';
import { failureKey, readFailure } from './job-shell';
import type { Membership } from './membership';
import { allocationJobIds, JOB_OPTIONS, type AllocationJob, type BookRef } from './queues';
import type { RunContext } from './run-context';

/** The flow failed: the exit code of its cause (2 arguments, 3 the book's state, 70, 74). */
export class FlowFailedError extends Error {
  override readonly name = 'FlowFailedError';
  readonly code = 'FLOW_FAILED';
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export interface CloseOnRedisOptions {
  book: BookRef;
  offering: Offering;
  /** Null: close only (the allocation is queued by a later `close` with a price). */
  params: AllocationParameters | null;
  actor: BookActor;
  wait: boolean;
  /** How often `--wait` looks. @defaultValue 500 */
  pollMs?: number;
  print: (line: string) => void;
}

export async function closeOnRedis(ctx: RunContext, membership: Membership, o: CloseOnRedisOptions): Promise<void> {
  const work = o.book.work;
  await membership.ensure(work);
  const record = o.params ? allocationRecord(o.params) : null;
  const closed = await withBookMutex(ctx.redis, ctx.target, async () => {
    if (record) {
      const plan = planAllocation(await loadBook(work, o.offering, o.actor), record, null);
      if (plan.kind === 'already') return { already: plan.final };
    }
    return { ...(await closeOnly(work, o.offering, o.actor)), already: null as FinalTransition | null };
  });
  if ('l' in closed) {
    const c = viewOf(closed.l).closed!;
    o.print(closed.closedNow
      ? `book closed at ${c.at}: ${c.arrivals.length} file(s) in the inboxes had arrived before the close`
      : `the book was already closed at ${c.at || '(time not recorded)'} (${c.arrivals.length} arrivals recorded at the close)`);
    const waiting = await arrivalsInInboxes(closed.l);
    await enqueueFiles(ctx, o.book, waiting.map((w) => w.now), 'close', resolveIngestLimits(o.offering.ingest_limits).max_file_bytes);
    if (waiting.length > 0) o.print(`${waiting.length} of them still in the inboxes: queued for the workers`);
  }
  if (closed.already) {
    const f = closed.already;
    if (f.to === 'allocated') o.print(`already final: allocated with ${describeParameters(f.parameters)} at ${f.at} by ${f.operator}; nothing queued`);
    return;
  }
  if (!o.params || !record) return;
  const data: AllocationJob = { book: o.book, ...record, operator: o.actor.operator };
  const ids = allocationJobIds(data);
  await withBookMutex(ctx.redis, ctx.target, () => addFlow(ctx, data, ids));
  o.print(`allocation queued: ${ids.allocate} (waits for those files, then allocates), then ${ids.export} (writes the output files)`);
  if (!o.wait) return;
  await waitForFlow(ctx, ids, o.pollMs ?? 500, o.print);
  const summary = (await readOutputFolder(allocationDir(work), ['summary.json'])).get('summary.json');
  if (summary) o.print([...describeSummary(JSON.parse(summary.toString('utf8')) as Summary), `written: ${allocationDir(work)}`].join('\n'));
}

/** Adds the flow unless it is already there; a failed one is removed and added afresh. */
async function addFlow(ctx: RunContext, data: AllocationJob, ids: { allocate: string; export: string }): Promise<void> {
  const parent = await ctx.queues.export.getJob(ids.export);
  if (parent) {
    if ((await parent.getState()) !== 'failed') return;
    await parent.remove({ removeChildren: true });
    await (await ctx.queues.allocate.getJob(ids.allocate))?.remove();
    await ctx.redis.del(failureKey(ctx, ids.allocate), failureKey(ctx, ids.export));
  }
  const flows = new FlowProducer({ connection: connectionOptions(ctx.target), prefix: ctx.target.prefix });
  try {
    const opts = { attempts: JOB_OPTIONS.attempts, backoff: JOB_OPTIONS.backoff, removeOnComplete: false, removeOnFail: false };
    await flows.add({
      name: 'export', queueName: 'export', data, opts: { ...opts, jobId: ids.export },
      children: [{ name: 'allocate', queueName: 'allocate', data, opts: { ...opts, jobId: ids.allocate, failParentOnFailure: true } }],
    });
  } finally {
    await flows.close();
  }
}

async function waitForFlow(ctx: RunContext, ids: { allocate: string; export: string }, pollMs: number, print: (line: string) => void): Promise<void> {
  let lastWaiting: unknown = null;
  for (;;) {
    const parent = await ctx.queues.export.getJob(ids.export);
    const child = await ctx.queues.allocate.getJob(ids.allocate);
    const state = parent ? await parent.getState() : 'unknown';
    if (state === 'completed') return;
    const childState = child ? await child.getState() : 'unknown';
    if (state === 'failed' || childState === 'failed') {
      const failure = (await readFailure(ctx, ids.allocate)) ?? (await readFailure(ctx, ids.export));
      const reason = failure?.message ?? child?.failedReason ?? parent?.failedReason ?? 'unknown';
      if (state === 'failed' || failure) throw new FlowFailedError(`the allocation failed: ${reason}`, failure?.exit_code ?? 70);
    }
    if (child && typeof child.progress === 'number' && child.progress > 0 && child.progress !== lastWaiting && childState !== 'completed') {
      lastWaiting = child.progress;
      print(`waiting for ${child.progress} file(s) that arrived before the close to be ingested`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
