/**
 * The options every Redis command shares (`watch`, `worker`, the distributed `close`,
 * `status --redis`), and how they run: a logger, the Redis target, a process stopped by SIGTERM.
 */
import type { Command } from 'commander';
import { UsageError } from '../../domain/errors';

export function withRedisOptions(command: Command, optionalUrl = false): Command {
  return command
    .option(optionalUrl ? '--redis [url]' : '--redis <url>', 'Redis URL (default: REDIS_URL, then redis://127.0.0.1:6379)')
    .option('--prefix <name>', 'prefix of every Redis key: one per book (default: CCASS_REDIS_PREFIX, then ccass)');
}

export function parseMs(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(text)) throw new UsageError(`${what} "${text}" is not a whole number of milliseconds`);
  return Number(text);
}

/** Resolves on the first SIGTERM or SIGINT ('graceful'); a second one makes it 'force' (see onForce). */
export function stopSignal(onForce?: () => void): Promise<'graceful' | 'force'> {
  return new Promise((resolve) => {
    let seen = 0;
    const handler = () => {
      seen += 1;
      if (seen === 1) resolve('graceful');
      else onForce?.();
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
