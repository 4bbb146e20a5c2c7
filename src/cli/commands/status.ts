import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { writeFileAtomic } from '../../io/atomic-write';
import { UsageError } from '../../domain/errors';
import { bookStatus, describeStatus } from '../../pipeline/status';
import { withRedisOptions } from './redis-options';

interface StatusOpts { work: string; json?: boolean; redis?: string | boolean; prefix?: string; prometheus?: string }

/**
 * `status --work DIR [--json]`: the book's state and counts so far; read-only, no lock. With
 * `--redis`: the distributed run too (queues, files waiting their turn, failed jobs, workers seen,
 * the provisional run); `--prometheus FILE|-` writes both as Prometheus text.
 */
export function registerStatus(program: Command, io: CliIo): void {
  withRedisOptions(program
    .command('status')
    .description("the book's state, files and instructions so far, demand and subscription multiple, the allocation once final; with --redis the queues and workers")
    .requiredOption('--work <dir>', 'work folder of the book')
    .option('--json', 'print the status as one JSON document')
    .option('--prometheus <file>', 'with --redis: also write the figures as Prometheus text to FILE (or - for stdout)'), true)
    .action(async (opts: StatusOpts) => {
      if (opts.prometheus !== undefined && opts.redis === undefined) throw new UsageError('--prometheus goes with --redis');
      const s = await bookStatus(opts.work);
      if (opts.redis === undefined) {
        io.stdout(opts.json ? JSON.stringify(s, null, 2) + '\n' : describeStatus(s).join('\n') + '\n');
        return;
      }
      // Loaded only with --redis: every other command starts without BullMQ and ioredis.
      const { openRedis, redisTargetOf } = await import('../../workers/connection');
      const { describeRedisStatus, prometheusText, redisStatus } = await import('../../workers/redis-status');
      const { closeRunContext, createRunContext } = await import('../../workers/run-context');
      const { createLogger } = await import('../../io/log');
      const { default: pino } = await import('pino');
      const target = redisTargetOf(opts);
      const ctx = createRunContext(target, await openRedis(target), createLogger(pino.destination({ fd: 2, sync: true }), 'silent'));
      try {
        const r = await redisStatus(ctx);
        io.stdout(opts.json ? JSON.stringify({ ...s, redis: r }, null, 2) + '\n' : [...describeStatus(s), ...describeRedisStatus(r)].join('\n') + '\n');
        if (opts.prometheus === '-') io.stdout(prometheusText(target.prefix, s, r));
        else if (opts.prometheus) await writeFileAtomic(opts.prometheus, prometheusText(target.prefix, s, r));
      } finally {
        await closeRunContext(ctx);
      }
    });
}
