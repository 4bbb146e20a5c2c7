import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { openCommandLog } from '../command-log';
import { StorageError, UsageError } from '../../domain/errors';
import { loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { actorOf, withOperatorOptions } from './allocate';
import { parseMs, stopSignal, withRedisOptions } from './redis-options';

interface WatchOpts {
  inbox: string; work: string; offering: string; participants: string; redis?: string; prefix?: string;
  interval?: string; once?: boolean; retryFailed?: boolean; provisionalEvery?: string; operator?: string; log?: string;
}

/**
 * `watch`: queues one ingest job per complete file of the inbox (src/workers/watcher.ts), scan
 * after scan until SIGTERM; `--once` scans once and exits. Logs to `<work>/logs/watch.log`.
 */
export function registerWatch(program: Command, io: CliIo): void {
  withOperatorOptions(withRedisOptions(program
    .command('watch')
    .description('queue every complete file of the inbox for the BullMQ workers (one job per file), until SIGTERM')
    .requiredOption('--inbox <dir>', 'inbox folder with one sub-folder per participant')
    .requiredOption('--work <dir>', 'work folder of the book (shared by every machine)')
    .requiredOption('--offering <file>', 'offering JSON file')
    .requiredOption('--participants <file>', 'participant registry CSV')
    .option('--interval <ms>', 'between two scans (default 2000)')
    .option('--once', 'scan once, queue, and exit')
    .option('--retry-failed', 'put failed ingest jobs back once (after their cause was fixed)')
    .option('--provisional-every <ms>', 'run the provisional summary at this interval instead of the offering\'s hour (drills)')))
    .action(async (opts: WatchOpts) => {
      // Loaded when the command runs: the other commands start without BullMQ and ioredis.
      const { openRedis, redisTargetOf } = await import('../../workers/connection');
      const { Membership } = await import('../../workers/membership');
      const { closeRunContext, createRunContext } = await import('../../workers/run-context');
      const { Watcher } = await import('../../workers/watcher');
      const offering = loadOfferingFile(opts.offering);
      loadParticipantsFile(opts.participants);
      if (!(await fs.stat(opts.inbox).catch(() => null))?.isDirectory()) throw new UsageError(`--inbox ${opts.inbox}: not a folder`);
      const intervalMs = parseMs(opts.interval, '--interval', 2000);
      const provisionalEveryMs = opts.provisionalEvery === undefined ? undefined : parseMs(opts.provisionalEvery, '--provisional-every', 0);
      const target = redisTargetOf(opts);
      const work = path.resolve(opts.work);
      await fs.mkdir(work, { recursive: true });
      const log = openCommandLog(work, 'watch', opts.log);
      const actor = { ...actorOf('watch', opts), logger: log.logger };
      const ctx = createRunContext(target, await openRedis(target, log.logger), log.logger);
      const membership = new Membership(ctx.redis, target, { command: 'watch', operator: actor.operator }, log.logger);
      let lost: () => void = () => undefined;
      const lostRedis = new Promise<void>((r) => { lost = r; });
      membership.onLost(() => lost());
      const stop = opts.once ? null : Promise.race([stopSignal(), lostRedis]);
      let stopped = false;
      void stop?.then(() => { stopped = true; });
      try {
        await membership.start();
        const watcher = new Watcher(ctx, membership, {
          book: { work, offering: path.resolve(opts.offering), participants: path.resolve(opts.participants) },
          offering, inbox: path.resolve(opts.inbox), intervalMs, retryFailed: opts.retryFailed ?? false, actor,
          ...(provisionalEveryMs !== undefined ? { provisionalEveryMs } : {}),
        });
        await watcher.start();
        do {
          try {
            const queued = await watcher.scan();
            if (opts.once) io.stderr(`watch: ${queued} file(s) queued\n`);
          } catch (e) {
            if (opts.once) throw e;
            log.logger.error({ err: (e as Error).message, error: (e as Error).name }, 'scan failed; trying again at the next one');
          }
          if (!opts.once && !stopped) await Promise.race([stop, new Promise((r) => setTimeout(r, intervalMs))]);
        } while (!opts.once && !stopped);
        if (membership.lost) throw new StorageError('Redis lost its data while this watcher ran (restarted without persistence?): restart it; it queues again every file still in the inbox');
        log.logger.info('watch stopped');
      } finally {
        await membership.leave().catch(() => undefined);
        await closeRunContext(ctx);
        log.flush();
      }
    });
}
