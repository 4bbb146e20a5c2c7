/**
 * `ccass-batch worker`: one BullMQ Worker per queue served, each processor a thin shell over
 * src/pipeline (`<queue>.worker.ts`), until SIGTERM. Any number of these processes on any number
 * of machines against one Redis.
 *
 * Locks: a job's lock is renewed by a timer, so the processors never block the event loop for
 * long (ingest streams each file in 64 KiB chunks, awaiting between them); a worker that dies
 * stops renewing, and its job is put back after `lockDuration` and taken by another worker, which
 * finishes it from the claim journal and the store. The allocation jobs, which derive the whole
 * book in one synchronous step, get a lock of at least five minutes.
 *
 * SIGTERM: no new job is taken and the current ones finish; after `shutdownMs` (or a second
 * SIGTERM) the process exits anyway and its jobs are handed back (their locks lapse).
 */
import { promises as fs } from 'node:fs';
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { IngestStep } from '../pipeline/ingest-file';
import { LoadedBooks } from './book-ref';
import { connectionOptions, describeTarget, openRedis, RedisTarget } from './connection';
import { processAllocate } from './allocate.worker';
import { processExport } from './export.worker';
import { processIngest } from './ingest.worker';
import { processProvisional } from './provisional.worker';
import { jobShell } from './job-shell';
import { Membership } from './membership';
import type { QueueName } from './queues';
import { closeRunContext, createRunContext } from './run-context';
import type { WorkerContext } from './worker-context';

export interface WorkerRunOptions {
  queues: QueueName[];
  /** Jobs of each queue this process runs at once. @defaultValue 1 */
  concurrency: number;
  /** Lock of an ingest or provisional job, renewed every half. @defaultValue 60000 */
  lockDurationMs: number;
  /** How long SIGTERM waits for the current jobs before handing them back. @defaultValue 60000 */
  shutdownMs: number;
  operator: string;
  logger: Logger;
}

type Processor = (ctx: WorkerContext, job: Job, log: Logger, token?: string) => Promise<unknown>;
const PROCESSORS: Record<QueueName, Processor> = { ingest: processIngest, allocate: processAllocate, export: processExport, provisional: processProvisional };
const LONG_LOCK_MS = 300_000;

/**
 * The crash drill of the tests (test/redis): `CCASS_TEST_KILL_AT=<step>:<marker file>` makes
 * this process SIGKILL itself at that step of the first file it reaches it on, once (the marker
 * records it). Inert unless set.
 */
function crashDrill(): { onStep?: (step: IngestStep) => Promise<void> } {
  const spec = process.env.CCASS_TEST_KILL_AT;
  if (!spec) return {};
  const [when, marker] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
  return {
    onStep: async (step) => {
      if (step !== when) return;
      try {
        await fs.writeFile(marker, `${process.pid} ${step}\n`, { flag: 'wx' });
      } catch {
        return;
      }
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined);
    },
  };
}

export interface StopSignals {
  /** SIGTERM: take no new job, finish the current ones. */
  stop: Promise<unknown>;
  /** A second SIGTERM: do not wait for them. */
  force: Promise<unknown>;
}

/**
 * Runs until `stop` (or until Redis is found to have lost its data: 'lost'); 'handed-back' when
 * the current jobs were left to other workers (exit now).
 */
export async function runWorker(target: RedisTarget, o: WorkerRunOptions, signals: StopSignals): Promise<'finished' | 'handed-back' | 'lost'> {
  const redis = await openRedis(target, o.logger);
  const base = createRunContext(target, redis, o.logger);
  const membership = new Membership(redis, target, { command: 'worker', operator: o.operator, queues: o.queues }, o.logger);
  const lost = new Promise<'lost'>((r) => membership.onLost(() => r('lost')));
  await membership.start();
  const ctx: WorkerContext = { ...base, membership, books: new LoadedBooks(), ...crashDrill() };
  const workers = o.queues.map((q) => {
    const lockDuration = q === 'allocate' || q === 'export' ? Math.max(o.lockDurationMs, LONG_LOCK_MS) : o.lockDurationMs;
    const w = new Worker(q, jobShell(ctx, (job, log, token) => PROCESSORS[q](ctx, job, log, token)), {
      connection: connectionOptions(target), prefix: target.prefix, name: membership.info.id, concurrency: o.concurrency,
      lockDuration, stalledInterval: Math.min(30_000, Math.floor(lockDuration / 2)), maxStalledCount: 5,
    });
    w.on('error', (e) => o.logger.warn({ queue: q, err: e.message }, 'worker connection error (retrying)'));
    w.on('stalled', (jobId) => o.logger.warn({ queue: q, job_id: jobId }, 'job stalled (its worker stopped): put back for another worker'));
    return w;
  });
  o.logger.info({ queues: o.queues, concurrency: o.concurrency, redis: describeTarget(target), member: membership.info.id }, 'worker started');
  const why = await Promise.race([signals.stop.then(() => 'stop' as const), lost]);
  o.logger.info('worker stopping: no new job; finishing the current ones');
  const closing = Promise.all(workers.map((w) => w.close())).then(() => 'finished' as const);
  const timeout = new Promise<'handed-back'>((r) => setTimeout(() => r('handed-back'), o.shutdownMs).unref());
  const outcome = await Promise.race([closing, timeout, signals.force.then(() => 'handed-back' as const)]);
  if (outcome === 'handed-back') {
    // The current jobs stay locked until their locks lapse, then another worker takes them over.
    o.logger.warn('worker stopping without finishing its current jobs: they are handed back to the other workers');
    await membership.leave(false);
    return outcome;
  }
  await membership.leave();
  await closeRunContext(ctx);
  o.logger.info('worker stopped');
  return why === 'lost' ? 'lost' : outcome;
}
