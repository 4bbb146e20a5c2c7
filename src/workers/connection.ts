/**
 * Where Redis is and how the distributed run talks to it: `--redis URL`, else `REDIS_URL`, else
 * redis://127.0.0.1:6379; every key under one prefix (`--prefix`, else `CCASS_REDIS_PREFIX`,
 * else `ccass`), BullMQ's and ours alike, so one Redis can serve several books (one prefix each)
 * and tests never trample each other.
 *
 * At start a command checks that Redis answers (else StorageError, exit 74) and warns when its
 * `maxmemory-policy` is not `noeviction`: an evicting Redis silently drops queued jobs.
 * Afterwards connections are retried for ever (a Redis restarted mid-run is reconnected to).
 */
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { StorageError, UsageError } from '../domain/errors';

export interface RedisTarget {
  url: string;
  prefix: string;
}

export function redisTargetOf(opts: { redis?: string | boolean; prefix?: string }): RedisTarget {
  const url = typeof opts.redis === 'string' ? opts.redis : process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = opts.prefix ?? process.env.CCASS_REDIS_PREFIX ?? 'ccass';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) throw new UsageError(`--prefix "${prefix}": letters, digits, '_', '.' or '-' only`);
  try {
    const u = new URL(url);
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error('not redis://');
  } catch {
    throw new UsageError(`--redis "${url}" is not a URL such as redis://127.0.0.1:6379`);
  }
  return { url, prefix };
}

/** The target for operators and logs: no password. */
export function describeTarget(t: RedisTarget): string {
  const u = new URL(t.url);
  u.password = '';
  u.username = '';
  return `${u.protocol}//${u.host}${u.pathname && u.pathname !== '/' ? u.pathname : ''} prefix "${t.prefix}"`;
}

/** Connection options for BullMQ and for our own client: reconnect for ever, never give up a command. */
export function connectionOptions(t: RedisTarget): BullRedisOptions & RedisOptions {
  const u = new URL(t.url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db: Number.isInteger(db) ? db : 0,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
}

/**
 * Checks Redis answers now (StorageError otherwise) and warns in `logger`'s log (the long-running
 * watchers and workers pass theirs) about an evicting memory policy or no persistence; then
 * returns a client for the run's own keys that reconnects for ever.
 */
export async function openRedis(t: RedisTarget, logger?: Logger): Promise<Redis> {
  const probe = new Redis({ ...connectionOptions(t), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 5000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    const policy = await probe.config('GET', 'maxmemory-policy').then((r) => (r as string[])[1] ?? 'unknown', () => 'unknown (CONFIG GET refused)');
    if (policy !== 'noeviction') {
      const text = `Redis ${describeTarget(t)}: maxmemory-policy is ${policy}, not noeviction: under memory pressure Redis would drop queued jobs; set maxmemory-policy noeviction`;
      logger?.warn({ maxmemory_policy: policy }, text);
    }
    const aof = await probe.config('GET', 'appendonly').then((r) => (r as string[])[1] ?? 'unknown', () => 'unknown');
    if (aof === 'no') {
      const text = `Redis ${describeTarget(t)}: appendonly is no: if Redis restarts it loses the queues, and every watcher and worker stops (restarting them queues again every file still in the inboxes); set appendonly yes`;
      logger?.warn({ appendonly: aof }, text);
    }
  } catch (e) {
    throw new StorageError(`Redis ${describeTarget(t)} does not answer: ${(e as Error).message}`);
  } finally {
    probe.disconnect();
  }
  const client = new Redis(connectionOptions(t));
  client.on('error', (e) => logger?.warn({ err: e.message }, 'Redis connection error (retrying)'));
  return client;
}

/** Our own keys (BullMQ keeps `<prefix>:<queue>:...`). */
export function ownKey(t: RedisTarget, ...parts: string[]): string {
  return [t.prefix, 'ccass', ...parts].join(':');
}
