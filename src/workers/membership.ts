/**
 * How the embedded commands and the distributed run keep out of each other's way
 * (docs/redis.md, "Who writes the work folder"). The watchers, workers and `close` of one Redis
 * prefix hold the work folder's lock (`lock.json`) together, as one group: the first member takes
 * it, the others join it, each refreshes it every 10 seconds, and the last one to stop frees it.
 * So while any of them runs, `ingest`, `close` (without a price), `allocate`, `run` and `lapse`
 * are refused with exit 75 naming the group, and a member refuses to start (or, for a job, waits
 * and retries) while an embedded command holds the folder. Members also register in Redis with a
 * heartbeat: `status --redis` lists them as the workers seen.
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { WorkFolderBusyError } from '../domain/errors';
import { describeHolder, groupLockState, holdForGroup, releaseForGroup, type GroupMember } from '../io/work-lock';
import { ownKey, RedisTarget } from './connection';

const HEARTBEAT_MS = 10_000;
/** A member not heard of for this long is gone. */
export const MEMBER_ALIVE_MS = 30_000;

export interface MemberInfo {
  id: string;
  command: string;
  host: string;
  pid: number;
  queues: string[];
  started: string;
  last_seen: string;
  stopped: string | null;
}

export function groupToken(target: RedisTarget, work: string): string {
  return createHash('sha256').update(`ccass-batch bullmq group\n${target.prefix}\n${path.resolve(work)}`).digest('hex').slice(0, 24);
}

export function isAlive(m: MemberInfo, nowMs: number): boolean {
  return m.stopped === null && nowMs - Date.parse(m.last_seen) < MEMBER_ALIVE_MS;
}

export async function readMembers(redis: Redis, target: RedisTarget): Promise<MemberInfo[]> {
  const all = await redis.hgetall(ownKey(target, 'members'));
  return Object.values(all).map((v) => JSON.parse(v) as MemberInfo).sort((a, b) => (a.id < b.id ? -1 : 1));
}

export class Membership {
  readonly info: MemberInfo;
  private readonly works = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly redis: Redis, private readonly target: RedisTarget, who: { command: string; operator: string; queues?: string[] }, private readonly logger?: Logger) {
    const now = new Date().toISOString();
    this.info = { id: `${os.hostname()}:${process.pid}:${who.command}`, command: who.command, host: os.hostname(), pid: process.pid, queues: who.queues ?? [], started: now, last_seen: now, stopped: null };
    this.operator = who.operator;
  }

  private readonly operator: string;

  private member(work: string): GroupMember {
    return { group: `Redis prefix "${this.target.prefix}"`, token: groupToken(this.target, work), command: this.info.command, operator: this.operator };
  }

  /** Registers in Redis and starts the heartbeat. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    this.info.last_seen = new Date().toISOString();
    await this.redis.hset(ownKey(this.target, 'members'), this.info.id, JSON.stringify(this.info)).catch(() => undefined);
    for (const work of this.works) {
      await holdForGroup(work, this.member(work)).catch((e: Error) => this.logger?.error({ work, err: e.message }, 'cannot refresh the work folder lock'));
    }
  }

  /**
   * The work folder is held by the group (taken or joined now, when needed). Throws
   * WorkFolderBusyError when an embedded command holds it: a job is then retried later.
   */
  async ensure(work: string): Promise<void> {
    const member = this.member(work);
    if (this.works.has(work)) {
      const state = await groupLockState(work, member.token);
      if (state.held === 'by-group') return;
      if (state.held === 'by-other' && !state.stale) throw new WorkFolderBusyError(describeHolder(work, state.holder));
    }
    await holdForGroup(work, member);
    this.works.add(work);
  }

  /** Stops the heartbeat; the last live member frees the work folder (unless `release` is false). */
  async leave(release = true): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.info.stopped = new Date().toISOString();
    await this.redis.hset(ownKey(this.target, 'members'), this.info.id, JSON.stringify(this.info)).catch(() => undefined);
    const others = (await readMembers(this.redis, this.target).catch(() => [])).filter((m) => m.id !== this.info.id && isAlive(m, Date.now()));
    if (release && others.length === 0) for (const work of this.works) await releaseForGroup(work, this.member(work).token).catch(() => undefined);
    this.works.clear();
  }
}
