import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { StorageError, UsageError } from '../../domain/errors';
import { QUEUE_NAMES, type QueueName } from '../../workers/queue-names';
import { defaultOperator } from '../../pipeline/book';
import { parseMs, stopSignal, withRedisOptions } from './redis-options';

interface WorkerOpts {
  queues?: string; concurrency?: string; redis?: string; prefix?: string; lockDuration?: string; shutdownTimeout?: string; operator?: string; log?: string;
}

function parseQueues(text: string | undefined): QueueName[] {
  if (text === undefined) return [...QUEUE_NAMES];
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(QUEUE_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) throw new UsageError(`--queues "${text}": each must be one of ${QUEUE_NAMES.join(', ')}`);
  return [...new Set(names)] as QueueName[];
}

/**
 * `worker`: runs the jobs of the named queues (default all) until SIGTERM, on any number of
 * machines (src/workers/worker-runner.ts). JSON log lines on stderr, or `--log FILE`.
 */
export function registerWorker(program: Command, _io: CliIo): void {
  withRedisOptions(program
    .command('worker')
    .description('run BullMQ jobs (ingest, allocate, export, provisional) until SIGTERM')
    .option('--queues <list>', `queues to serve, comma-separated (default: ${QUEUE_NAMES.join(',')})`)
    .option('--concurrency <n>', 'jobs of each queue run at once by this process (default 1)')
    .option('--lock-duration <ms>', 'lock of an ingest job, renewed every half; a dead worker\'s job is taken over after it (default 60000)')
    .option('--shutdown-timeout <ms>', 'on SIGTERM, how long the current jobs may take before they are handed back (default 60000)')
    .option('--operator <name>', 'who runs it, recorded in the transitions its jobs make (default: the OS user)')
    .option('--log <file>', 'JSON log file (default: stderr)'))
    .action(async (opts: WorkerOpts) => {
      const queues = parseQueues(opts.queues);
      const concurrency = opts.concurrency === undefined ? 1 : Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency "${opts.concurrency}" must be a whole number from 1 to 64`);
      // Loaded when the command runs: the other commands start without BullMQ and ioredis.
      const { createLogger } = await import('../../io/log');
      const { default: pino } = await import('pino');
      const { redisTargetOf } = await import('../../workers/connection');
      const { runWorker } = await import('../../workers/worker-runner');
      const target = redisTargetOf(opts);
      const destination = !opts.log || opts.log === '-' ? pino.destination({ fd: 2, sync: true }) : pino.destination({ dest: opts.log, mkdir: true, sync: true, append: true });
      const logger = createLogger(destination);
      const lockDurationMs = parseMs(opts.lockDuration, '--lock-duration', 60_000);
      const shutdownMs = parseMs(opts.shutdownTimeout, '--shutdown-timeout', 60_000);
      let force: () => void = () => undefined;
      const forced = new Promise<void>((r) => { force = r; });
      const stop = stopSignal(() => force());
      try {
        const outcome = await runWorker(target, {
          queues, concurrency, logger, operator: opts.operator ?? defaultOperator(), lockDurationMs, shutdownMs,
        }, { stop, force: forced });
        destination.flushSync();
        // Jobs handed back are still running in this process: end it now (their locks lapse).
        if (outcome === 'handed-back') process.exit(0);
        if (outcome === 'lost') throw new StorageError('Redis lost its data while this worker ran (restarted without persistence?): restart the workers and watchers');
      } finally {
        destination.flushSync();
      }
    });
}
