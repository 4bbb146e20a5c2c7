/**
 * What every processor shares: a pino logger per job (job id, queue; the processor adds the
 * participant and the file hash, never an identity number), and the rule for errors:
 * - a data fault is never thrown (a rejected file is a successful job whose result is its ack);
 * - an infrastructure fault (StorageError, Redis away, the folder busy) is thrown and retried
 *   with backoff (queues.ts JOB_OPTIONS);
 * - bad arguments, a refused state or a broken invariant (UsageError, ConfigInvalidError,
 *   BookStateError, InvariantError) are thrown as BullMQ's UnrecoverableError: retrying cannot
 *   help. Their class and exit code are kept in Redis (`failure:<job id>`) for `close --wait`.
 */
import { DelayedError, UnrecoverableError, type Job, type Processor } from 'bullmq';
import type { Logger } from 'pino';
import { ownKey } from './connection';
import type { RunContext } from './run-context';

const FINAL = new Set(['UsageError', 'ConfigInvalidError', 'BookStateError', 'InvariantError']);

export interface JobFailure {
  name: string;
  code: string;
  exit_code: number;
  message: string;
}

export function failureKey(ctx: Pick<RunContext, 'target'>, jobId: string): string {
  return ownKey(ctx.target, 'failure', jobId);
}

export async function readFailure(ctx: Pick<RunContext, 'target' | 'redis'>, jobId: string): Promise<JobFailure | null> {
  const text = await ctx.redis.get(failureKey(ctx, jobId));
  return text === null ? null : (JSON.parse(text) as JobFailure);
}

/** Wraps a processor: the job's logger, error classes, and a log line per outcome. */
export function jobShell<T>(ctx: RunContext, fn: (job: Job, log: Logger, token?: string) => Promise<T>): Processor {
  return async (job, token) => {
    const log = ctx.logger.child({ job_id: job.id, queue: job.queueName, attempt: job.attemptsStarted });
    const started = Date.now();
    try {
      const result = await fn(job, log, token);
      log.info({ ms: Date.now() - started }, 'job done');
      return result;
    } catch (e) {
      if (e instanceof DelayedError || e instanceof UnrecoverableError) throw e;
      const err = e as Error & { code?: string; exitCode?: number };
      if (FINAL.has(err.name)) {
        const failure: JobFailure = { name: err.name, code: String(err.code ?? err.name), exit_code: err.exitCode ?? 70, message: err.message };
        await ctx.redis.set(failureKey(ctx, String(job.id)), JSON.stringify(failure)).catch(() => undefined);
        log.error({ error: err.name, code: failure.code }, `job failed for good: ${err.message}`);
        throw new UnrecoverableError(`${err.name}: ${err.message}`);
      }
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (last) {
        const failure: JobFailure = { name: err.name, code: String(err.code ?? err.name), exit_code: err.exitCode ?? 74, message: err.message };
        await ctx.redis.set(failureKey(ctx, String(job.id)), JSON.stringify(failure)).catch(() => undefined);
      }
      log.warn({ error: err.name, code: err.code, last_attempt: last }, `job failed${last ? ' (no attempt left)' : ', to be retried'}: ${err.message}`);
      throw e;
    }
  };
}

/** Puts the job back for later without counting an attempt (its turn has not come). */
export async function retryLater(job: Job, token: string | undefined, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}
