/**
 * One writer of `lifecycle.json` at a time among the members of the distributed run (`close`,
 * the flow's jobs, a watcher recording its inbox): the embedded commands get that from the
 * work-folder lock, which the members hold together (membership.ts), so among themselves they
 * take this Redis mutex around every read-decide-write of the book's record. SET NX PX with a
 * token, renewed while held, released only by its holder (compare and delete).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { StorageError } from '../domain/errors';
import { ownKey, RedisTarget } from './connection';

const TTL_MS = 30_000;
const WAIT_MS = 10 * 60_000;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export async function withBookMutex<T>(redis: Redis, target: RedisTarget, fn: () => Promise<T>): Promise<T> {
  const key = ownKey(target, 'lifecycle-mutex');
  const token = randomBytes(12).toString('hex');
  const started = Date.now();
  while ((await redis.set(key, token, 'PX', TTL_MS, 'NX')) !== 'OK') {
    if (Date.now() - started > WAIT_MS) throw new StorageError(`the book's record stayed locked by another member for ${WAIT_MS / 60_000} minutes (${key})`);
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 100)));
  }
  const renew = setInterval(() => {
    redis.eval(RENEW, 1, key, token, String(TTL_MS)).catch(() => undefined);
  }, TTL_MS / 3);
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
