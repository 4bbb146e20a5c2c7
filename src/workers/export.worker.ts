/**
 * `export` (the flow's parent, run only once `allocate` completed): writes the output files and
 * records the allocation as final, by resuming the intent its child recorded (allocateBook). The
 * same allocation already final writes nothing.
 */
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { viewOf } from '../book/lifecycle';
import { InvariantError } from '../domain/errors';
import { readLifecycle } from '../io/lifecycle-file';
import { allocateBook, parametersFromRecord } from '../pipeline/allocate';
import { withBookMutex } from './book-mutex';
import { allocationJobSchema, parseJobData } from './queues';
import type { WorkerContext } from './worker-context';

export async function processExport(ctx: WorkerContext, job: Job, log: Logger) {
  const d = parseJobData(allocationJobSchema, job);
  await ctx.membership.ensure(d.book.work);
  const book = await ctx.books.open(d.book);
  const params = parametersFromRecord(d, book.offering, book.registry);
  const actor = { command: 'close (export job)', operator: d.operator, logger: log };
  const report = await withBookMutex(ctx.redis, ctx.target, () => allocateBook(d.book.work, params, { actor, arrivals: 'ingested' }));
  const final = viewOf((await readLifecycle(d.book.work))!).final;
  if (final?.to !== 'allocated') throw new InvariantError(`the book is not allocated after its export job (${final?.to ?? 'no final transition'})`);
  log.info({ already: report.already !== null, manifest_sha256: final.manifest_sha256, dir: report.dir }, 'allocation written');
  return { dir: report.dir, already: report.already !== null, manifest_sha256: final.manifest_sha256 };
}
