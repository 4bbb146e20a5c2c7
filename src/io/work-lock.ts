/**
 * One writer per work folder: `<work>/lock.json`, created atomically (a complete temporary file
 * hard-linked into place, which fails when a lock exists) and removed when the command ends.
 * `ingest`, `close`, `allocate`, `run` and `lapse` hold it; read-only commands (`status`,
 * `verify`, `preview`) do not.
 *
 * A second process is refused with one line naming the holder (pid, host, command, operator,
 * since when): WorkFolderBusyError, exit code 75. A lock left by a process that died is taken
 * over safely:
 *  - same host: the holder is gone when its pid no longer runs, or runs with another start time
 *    (a recycled pid);
 *  - another host (a shared folder): the holder refreshes the lock's mtime every HEARTBEAT_MS;
 *    one not refreshed for STALE_MS is gone.
 * Taking over goes through a second, short-lived lock (`lock.json.takeover`), so two processes
 * that both find the same stale lock cannot both win.
 */
import { promises as fs, readFileSync, unlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StorageError, WorkFolderBusyError } from '../domain/errors';

export const LOCK_FILE = 'lock.json';
const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;
const TAKEOVER_STALE_MS = 30_000;

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  operator: string;
  /** UTC instant the lock was taken. */
  since: string;
  token: string;
  /** The holder's process start time (Linux /proc), to tell a recycled pid; null elsewhere. */
  pid_start: string | null;
  /**
   * Set when the folder is held jointly by a group of processes (the BullMQ watchers and workers
   * of one Redis prefix, on any number of machines): pid and host are those of the member that
   * took it; it is stale only when no member refreshed it for STALE_MS.
   */
  group?: string;
}

export interface WorkLock {
  holder: LockHolder;
  release(): Promise<void>;
}

function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the parenthesised command name, which may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the holder is certainly gone. */
export function isStale(holder: LockHolder, mtimeMs: number, nowMs: number): boolean {
  if (holder.group === undefined && holder.host === os.hostname()) {
    if (!isRunning(holder.pid)) return true;
    const start = processStart(holder.pid);
    return holder.pid_start !== null && start !== null && start !== holder.pid_start;
  }
  return nowMs - mtimeMs > STALE_MS;
}

export function describeHolder(work: string, h: LockHolder): string {
  if (h.group !== undefined) {
    return `work folder ${work} is held by the BullMQ workers of ${h.group} (\`${h.command}\` pid ${h.pid} on ${h.host}, operator ${h.operator}, since ${h.since}); use the Redis commands, or stop every watcher and worker (the folder is free a minute after the last one stops)`;
  }
  return `work folder ${work} is held by \`${h.command}\` (pid ${h.pid} on ${h.host}, operator ${h.operator}) since ${h.since}; try again when it finishes`;
}

async function readHolder(file: string): Promise<{ holder: LockHolder; mtimeMs: number } | null> {
  try {
    const [text, st] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    return { holder: JSON.parse(text) as LockHolder, mtimeMs: st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (e instanceof SyntaxError) throw new StorageError(`${file}: not a lock record; remove it by hand once no command runs on this folder`);
    throw new StorageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Puts `content` at `file` only if nothing is there (link never replaces). */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(tmp, content, { flag: 'wx' });
  try {
    await fs.link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Removes a stale lock, if it is still the one judged stale, under the takeover lock. */
async function takeOver(file: string, stale: LockHolder, me: string): Promise<void> {
  const takeover = `${file}.takeover`;
  if (!(await createExclusive(takeover, me))) {
    const st = await fs.stat(takeover).catch(() => null);
    if (st && Date.now() - st.mtimeMs > TAKEOVER_STALE_MS) await fs.rm(takeover, { force: true });
    return;
  }
  try {
    const now = await readHolder(file);
    if (now && now.holder.token === stale.token) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(takeover, { force: true });
  }
}

/**
 * Takes the work folder for `command`, or throws WorkFolderBusyError naming the holder. The
 * folder must exist. Release it with `release()` (also done, synchronously, at process exit).
 */
export async function acquireWorkLock(work: string, who: { command: string; operator: string }): Promise<WorkLock> {
  const file = path.join(work, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid, host: os.hostname(), command: who.command, operator: who.operator,
    since: new Date().toISOString(), token: randomBytes(12).toString('hex'), pid_start: processStart(process.pid),
  };
  const content = JSON.stringify(holder, null, 2) + '\n';
  try {
    for (let attempt = 0; ; attempt++) {
      if (await createExclusive(file, content)) break;
      const found = await readHolder(file);
      if (found === null) continue;
      if (attempt >= 3 || !isStale(found.holder, found.mtimeMs, Date.now())) throw new WorkFolderBusyError(describeHolder(work, found.holder));
      await takeOver(file, found.holder, content);
    }
  } catch (e) {
    if (e instanceof WorkFolderBusyError || e instanceof StorageError) throw e;
    throw new StorageError(`cannot lock ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }

  const heartbeat = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const releaseSync = () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as LockHolder).token === holder.token) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.once('exit', releaseSync);
  let released = false;
  return {
    holder,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      process.removeListener('exit', releaseSync);
      const now = await readHolder(file).catch(() => null);
      if (now?.holder.token === holder.token) await fs.rm(file, { force: true });
    },
  };
}

/** A member of a group holding the folder together (src/workers/membership.ts). */
export interface GroupMember {
  /** The group's name as shown to operators, e.g. `Redis prefix "ccass"`. */
  group: string;
  /** Shared by every member of the group (derived from the group, not random). */
  token: string;
  command: string;
  operator: string;
}

export type GroupLockState = { held: 'by-group' } | { held: 'free' } | { held: 'by-other'; holder: LockHolder; stale: boolean };

/** Who holds the folder, as seen by a member of `token`'s group. */
export async function groupLockState(work: string, token: string): Promise<GroupLockState> {
  const found = await readHolder(path.join(work, LOCK_FILE));
  if (found === null) return { held: 'free' };
  if (found.holder.token === token) return { held: 'by-group' };
  return { held: 'by-other', holder: found.holder, stale: isStale(found.holder, found.mtimeMs, Date.now()) };
}

/**
 * Takes the folder for the group, or joins it when the group holds it already, and refreshes
 * it (the heartbeat every member sends). Throws WorkFolderBusyError naming the holder when
 * another command holds it; a stale lock is taken over as acquireWorkLock does.
 */
export async function holdForGroup(work: string, member: GroupMember): Promise<void> {
  const file = path.join(work, LOCK_FILE);
  try {
    for (let attempt = 0; ; attempt++) {
      const state = await groupLockState(work, member.token);
      if (state.held === 'by-group') {
        const now = new Date();
        await fs.utimes(file, now, now).catch(() => undefined);
        return;
      }
      if (state.held === 'free') {
        const holder: LockHolder = {
          pid: process.pid, host: os.hostname(), command: member.command, operator: member.operator,
          since: new Date().toISOString(), token: member.token, pid_start: null, group: member.group,
        };
        if (await createExclusive(file, JSON.stringify(holder, null, 2) + '\n')) return;
        continue;
      }
      if (attempt >= 3 || !state.stale) throw new WorkFolderBusyError(describeHolder(work, state.holder));
      await takeOver(file, state.holder, member.token);
    }
  } catch (e) {
    if (e instanceof WorkFolderBusyError || e instanceof StorageError) throw e;
    throw new StorageError(`cannot lock ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The last member leaving frees the folder (only if the group still holds it). */
export async function releaseForGroup(work: string, token: string): Promise<void> {
  const file = path.join(work, LOCK_FILE);
  const found = await readHolder(file).catch(() => null);
  if (found?.holder.token === token) await fs.rm(file, { force: true });
}
