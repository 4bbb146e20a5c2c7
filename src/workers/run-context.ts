/**
 * What every process of the distributed run holds: the Redis target and client, the drop ledger,
 * one BullMQ Queue per queue name (to add jobs), and its logger. Queues and connections are
 * apart from the processors (one per queue, in `<queue>.worker.ts`).
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { connectionOptions, RedisTarget } from './connection';
import { DropLedger } from './drop-ledger';
import { JOB_OPTIONS, QUEUE_NAMES, type QueueName } from './queues';

export interface RunContext {
  target: RedisTarget;
  redis: Redis;
  ledger: DropLedger;
  queues: Record<QueueName, Queue>;
  logger: Logger;
}

export function openQueue(target: RedisTarget, name: QueueName): Queue {
  return new Queue(name, { connection: connectionOptions(target), prefix: target.prefix, defaultJobOptions: { ...JOB_OPTIONS } });
}

export function createRunContext(target: RedisTarget, redis: Redis, logger: Logger): RunContext {
  const queues = Object.fromEntries(QUEUE_NAMES.map((n) => [n, openQueue(target, n)])) as Record<QueueName, Queue>;
  for (const q of Object.values(queues)) q.on('error', (e) => logger.warn({ queue: q.name, err: e.message }, 'queue connection error (retrying)'));
  return { target, redis, ledger: new DropLedger(redis, target), queues, logger };
}

export async function closeRunContext(ctx: RunContext): Promise<void> {
  await Promise.all(Object.values(ctx.queues).map((q) => q.close().catch(() => undefined)));
  ctx.redis.disconnect();
}
