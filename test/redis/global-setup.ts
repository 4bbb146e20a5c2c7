/**
 * The `redis` jest project needs a real Redis (REDIS_URL, else 127.0.0.1:6379): when it does not
 * answer, the project fails here, loudly, instead of skipping (a silently skipped path rots).
 * CI starts one (.ci/run); by hand: redis-server --daemonize yes --port 6379 --save "".
 */
import { Redis } from 'ioredis';

export default async function globalSetup(): Promise<void> {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const r = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    if ((await r.ping()) !== 'PONG') throw new Error('no PONG');
  } catch (e) {
    throw new Error(`the redis test project needs a Redis at ${url} and it does not answer (${(e as Error).message}); start one: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""`);
  } finally {
    r.disconnect();
  }
}
