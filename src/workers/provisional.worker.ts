/**
 * `provisional`: the nightly provisional run (pipeline/provisional.ts) at the instant the scheduler
 * planned it; the last run is kept in Redis for `status --redis`. On a book already allocated (or
 * lapsed) it writes nothing and removes the scheduler.
 */
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { writeProvisionalRun } from '../pipeline/provisional';
import { ownKey } from './connection';
import { parseJobData, provisionalJobSchema, provisionalSchedulerId } from './queues';
import type { WorkerContext } from './worker-context';

/** The instant the scheduler planned the run (its job id ends with it), else when it was queued. */
function plannedAt(job: Job): Date {
  const m = /:(\d{13})$/.exec(String(job.id));
  return new Date(m ? Number(m[1]) : job.timestamp);
}

export async function processProvisional(ctx: WorkerContext, job: Job, log: Logger) {
  const d = parseJobData(provisionalJobSchema, job);
  await ctx.membership.ensure(d.book.work);
  const book = await ctx.books.open(d.book);
  const run = await writeProvisionalRun(d.book.work, book.offering, plannedAt(job));
  if (run.summary === null) {
    await ctx.queues.provisional.removeJobScheduler(provisionalSchedulerId(d.book.work));
    log.info({ state: run.state }, 'book final: no more provisional runs');
    return { written: null, state: run.state };
  }
  const s = run.summary;
  const last = { date: s.date, run_at: s.run_at, path: run.path, valid_applications: s.valid_applications, demand_shares: s.demand_shares, subscription_multiple: s.subscription_multiple, clawback: s.clawback };
  await ctx.redis.set(ownKey(ctx.target, 'provisional', 'last'), JSON.stringify(last));
  log.info(last, 'provisional run written');
  return last;
}
