/**
 * How the embedded commands and the distributed run keep out of each other's way
 * (docs/redis.md, "Who writes the work folder"). The watchers, workers and `close` of one Redis
 * prefix hold the work folder's lock (`lock.json`) together, as one group: the first member takes
 * it, the others join it, each refreshes it every 10 seconds, and the last one to stop frees it.
 * So while any of them runs, `ingest`, `close` (without a price), `allocate`, `run` and `lapse`
 * are refused with exit 75 naming the group, and a member refuses to start (or, for a job, waits
 * and retries) while an embedded command holds the folder. Members also register in Redis with a
 * heartbeat: `status --redis` lists them as the workers seen.
 *
 * Redis losing its data (restarted without persistence) loses the drop order and the locks that
 * keep two workers off one file. Members notice it (the `epoch` key they found at start is gone
 * or another): they stop taking jobs, finish the current one and exit (74), to be restarted; a
 * member of the new epoch does not start a file while a member of the old one is still alive.
 * The watchers, restarted, queue again every file still in the inboxes: nothing is lost.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { StorageError, WorkFolderBusyError } from '../domain/errors';
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
  /** The Redis epoch the member started in. */
  epoch: string;
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
  /** Set when Redis lost its data since this member started. */
  lost = false;
  private readonly lostListeners: (() => void)[] = [];

  constructor(private readonly redis: Redis, private readonly target: RedisTarget, who: { command: string; operator: string; queues?: string[] }, private readonly logger?: Logger) {
    const now = new Date().toISOString();
    this.info = { id: `${os.hostname()}:${process.pid}:${who.command}`, command: who.command, host: os.hostname(), pid: process.pid, queues: who.queues ?? [], started: now, last_seen: now, stopped: null, epoch: '' };
    this.operator = who.operator;
  }

  private readonly operator: string;

  private member(work: string): GroupMember {
    return { group: `Redis prefix "${this.target.prefix}"`, token: groupToken(this.target, work), command: this.info.command, operator: this.operator };
  }

  /** Called once when Redis is found to have lost its data. */
  onLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  /** Registers in Redis (in the current epoch, made now if there is none) and starts the heartbeat. */
  async start(): Promise<void> {
    const key = ownKey(this.target, 'epoch');
    await this.redis.set(key, randomBytes(8).toString('hex'), 'NX');
    this.info.epoch = (await this.redis.get(key)) ?? '';
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** False (and the listeners told, once) when Redis's epoch is not the one this member started in. */
  async checkEpoch(): Promise<boolean> {
    if (this.lost) return false;
    const now = await this.redis.get(ownKey(this.target, 'epoch'));
    if (now === this.info.epoch) return true;
    this.lost = true;
    this.logger?.error({ epoch: this.info.epoch, now }, 'Redis lost its data (restarted without persistence?): stopping; restart the watchers and workers, they queue again every file still in the inboxes');
    for (const l of this.lostListeners) l();
    return false;
  }

  /** True when a member of another (older) epoch is still alive: a file must not start yet. */
  async peersOfAnotherEpoch(): Promise<boolean> {
    const now = Date.now();
    return (await readMembers(this.redis, this.target)).some((m) => m.id !== this.info.id && m.epoch !== this.info.epoch && isAlive(m, now));
  }

  private async beat(): Promise<void> {
    await this.checkEpoch().catch(() => undefined);
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
    if (!(await this.checkEpoch())) throw new StorageError('Redis lost its data since this process started: it stops; restart it');
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
