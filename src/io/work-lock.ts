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
  if (holder.host === os.hostname()) {
    if (!isRunning(holder.pid)) return true;
    const start = processStart(holder.pid);
    return holder.pid_start !== null && start !== null && start !== holder.pid_start;
  }
  return nowMs - mtimeMs > STALE_MS;
}

export function describeHolder(work: string, h: LockHolder): string {
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
