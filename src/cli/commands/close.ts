import * as path from 'node:path';
import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { openCommandLog } from '../command-log';
import { loadBallotPolicyFile, loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { UsageError } from '../../domain/errors';
import { holdsBook, withWorkFolder } from '../../pipeline/book';
import { closeAndIngest } from '../../pipeline/close';
import { formatTotals } from '../../pipeline/ingest';
import { AllocationParameters, normaliseFinalPrice, parseReallocateShares, parseSeed } from '../../pipeline/allocate';
import type { BookRef } from '../../workers/queues';
import { actorOf, withOperatorOptions } from './allocate';
import { withRedisOptions } from './redis-options';

interface CloseOpts {
  offering?: string; participants?: string; work?: string; inbox?: string; operator?: string; log?: string;
  finalPrice?: string; seed?: string; reallocate?: string; ballotPolicy?: string; wait?: boolean; redis?: string | boolean; prefix?: string;
}

/**
 * `close`: the lists close now. The files in the book's inboxes at this instant are its last
 * arrivals and are ingested (with the lists closed); any file after it is BOOK_CLOSED.
 *
 * Embedded (no `--redis`, no price): this process ingests the arrivals, holding the work folder;
 * the book then waits, closed, for `allocate` (or `lapse`).
 *
 * On Redis (`--redis`, or `--final-price` and `--seed`): the book served by the Redis prefix is
 * closed now, its arrivals are left to the workers, and with a price the allocation is queued as a
 * BullMQ flow (src/workers/close-flow.ts); `--wait` follows it to the end.
 */
export function registerClose(program: Command, io: CliIo): void {
  withOperatorOptions(withRedisOptions(program
    .command('close')
    .description('close the book now: the files that arrived before this instant count, later ones are BOOK_CLOSED; on Redis, then allocate')
    .option('--offering <file>', 'offering JSON file (on Redis: the one the watcher registered)')
    .option('--participants <file>', 'participant registry CSV (on Redis: the one the watcher registered)')
    .option('--work <dir>', 'work folder of the book (on Redis: the one the watcher registered)')
    .option('--inbox <dir>', 'an inbox feeding the book, besides those ingest recorded (embedded close)')
    .option('--final-price <price>', 'on Redis: allocate at this final price after the close')
    .option('--seed <text>', 'on Redis: the ballot seed of the allocation')
    .option('--reallocate <shares>', 'on Redis: shares reallocated to the Hong Kong offering')
    .option('--ballot-policy <file>', 'on Redis: the ballot policy of the allocation, JSON per pool (docs/ballot.md)')
    .option('--wait', 'on Redis: wait until the allocation is written (exit 0), or failed (its exit code)'), true))
    .action(async (opts: CloseOpts) => {
      const distributed = opts.redis !== undefined || opts.finalPrice !== undefined || opts.seed !== undefined;
      if (distributed) return closeDistributed(opts, io);
      for (const [flag, value] of [['--offering', opts.offering], ['--participants', opts.participants], ['--work', opts.work]] as const) {
        if (value === undefined) throw new UsageError(`${flag} is required (or --redis, to close the book the BullMQ workers serve)`);
      }
      if (opts.wait || opts.reallocate !== undefined || opts.ballotPolicy !== undefined) throw new UsageError('--wait, --reallocate and --ballot-policy go with --final-price and --seed (the close on Redis)');
      const work = opts.work!;
      const offering = loadOfferingFile(opts.offering!);
      const registry = loadParticipantsFile(opts.participants!);
      const actor = actorOf('close', opts);
      const report = await withWorkFolder(work, actor, false, async () => {
        const log = openCommandLog(work, 'close', opts.log);
        try {
          return await closeAndIngest(work, { offering, registry }, { ...actor, logger: log.logger }, opts.inbox ? [opts.inbox] : []);
        } finally {
          log.flush();
        }
      });
      io.stdout([
        report.at ? `book closed at ${report.at}: ${report.arrivals} file(s) in the inboxes had arrived before the close` : `the book was already closed (${report.arrivals} arrivals recorded at the close)`,
        ...report.ingest.map(formatTotals),
      ].join('\n') + '\n');
    });
}

async function closeDistributed(opts: CloseOpts, io: CliIo): Promise<void> {
  if ((opts.finalPrice === undefined) !== (opts.seed === undefined)) throw new UsageError('--final-price and --seed go together');
  if (opts.inbox !== undefined) throw new UsageError('--inbox: on Redis the inboxes are the watchers\'');
  if (opts.finalPrice === undefined && (opts.wait || opts.reallocate !== undefined || opts.ballotPolicy !== undefined)) {
    throw new UsageError('--wait, --reallocate and --ballot-policy go with --final-price and --seed');
  }
  // Loaded only here: the embedded close (and every other command) starts without BullMQ and ioredis.
  const { registeredBook } = await import('../../workers/book-ref');
  const { closeOnRedis } = await import('../../workers/close-flow');
  const { openRedis, redisTargetOf } = await import('../../workers/connection');
  const { Membership } = await import('../../workers/membership');
  const { closeRunContext, createRunContext } = await import('../../workers/run-context');
  const target = redisTargetOf(opts);
  const redis = await openRedis(target);
  const registered = await registeredBook(redis, target);
  const book: BookRef = {
    work: path.resolve(opts.work ?? registered?.work ?? ''),
    offering: path.resolve(opts.offering ?? registered?.offering ?? ''),
    participants: path.resolve(opts.participants ?? registered?.participants ?? ''),
  };
  if (!registered && (!opts.work || !opts.offering || !opts.participants)) {
    redis.disconnect();
    throw new UsageError(`Redis prefix "${target.prefix}" serves no book yet (no watcher has run): give --work, --offering and --participants`);
  }
  if (registered && (registered.work !== book.work || registered.offering !== book.offering || registered.participants !== book.participants)) {
    redis.disconnect();
    throw new UsageError(`Redis prefix "${target.prefix}" serves the book in ${registered.work}, not ${book.work}`);
  }
  if (!(await holdsBook(book.work))) {
    redis.disconnect();
    throw new UsageError(`--work ${book.work}: holds no book; nothing to close`);
  }
  const offering = loadOfferingFile(book.offering);
  const registry = loadParticipantsFile(book.participants);
  const params: AllocationParameters | null = opts.finalPrice === undefined ? null : {
    offering, registry, finalPrice: normaliseFinalPrice(opts.finalPrice, offering), seed: parseSeed(opts.seed!), reallocateShares: parseReallocateShares(opts.reallocate),
    ballotPolicy: opts.ballotPolicy === undefined ? null : loadBallotPolicyFile(opts.ballotPolicy),
  };
  const log = openCommandLog(book.work, 'close', opts.log);
  const actor = { ...actorOf('close', opts), logger: log.logger };
  const ctx = createRunContext(target, redis, log.logger);
  const membership = new Membership(redis, target, { command: 'close', operator: actor.operator }, log.logger);
  try {
    await membership.start();
    await closeOnRedis(ctx, membership, { book, offering, params, actor, wait: opts.wait ?? false, print: (line) => io.stdout(line + '\n') });
  } finally {
    await membership.leave().catch(() => undefined);
    await closeRunContext(ctx);
    log.flush();
  }
}
