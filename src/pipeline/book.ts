/**
 * The book's lifecycle wired to the work folder: the one place every command asks (never a
 * marker file of its own). The decisions are pure (src/book/lifecycle.ts); this module reads and
 * writes `<work>/lifecycle.json`, holds the work-folder lock, scans the inboxes at the close and
 * logs each transition.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { lstatSync, promises as fs } from 'node:fs';
import type { Logger } from 'pino';
import {
  Actor, Admission, admitFile, Arrival, FinalTransition, InboxEntry, Lifecycle, openBook, Transition, viewOf, withInbox, withTransition,
} from '../book/lifecycle';
import { StorageError, UsageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { InboxFile, scanInbox } from '../io/inbox';
import { LifecycleWatch, readLifecycle, writeLifecycle } from '../io/lifecycle-file';
import { storeDir } from '../io/store';
import { acquireWorkLock, WorkLock } from '../io/work-lock';
import { ensureFolder } from '../io/ensure-folder';

/** Who acts on the book: the command and its operator (`--operator`, default the OS user). */
export interface BookActor {
  command: string;
  operator: string;
  /** The clock (an input, so tests can fix it). @defaultValue () => new Date() */
  now?: () => Date;
  logger?: Logger;
}

export function defaultOperator(): string {
  try {
    return os.userInfo().username || process.env.USER || 'unknown';
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export function actorAt(a: BookActor): Actor {
  return { at: (a.now ?? (() => new Date()))().toISOString(), command: a.command, operator: a.operator, host: os.hostname(), pid: process.pid };
}

async function isFolder(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => null))?.isDirectory() ?? false;
}

/**
 * Takes the work folder for a writing command. `create`: make the folder when missing (ingest,
 * run); otherwise it must exist and hold a book (allocate, close, lapse), and nothing is created.
 */
export async function holdWorkFolder(work: string, actor: BookActor, create: boolean): Promise<WorkLock> {
  const st = await fs.stat(work).catch(() => null);
  if (st && !st.isDirectory()) throw new UsageError(`--work ${work}: not a folder`);
  if (!st) {
    if (!create) throw new UsageError(`--work ${work}: no such folder, so no book to work on`);
    // The path was checked before the command ran (cli/main.ts): a refusal here is the file system's (74).
    await ensureFolder(work, 'create the work folder');
  } else if (!create && !(await holdsBook(work))) {
    throw new UsageError(`--work ${work}: holds no book (no lifecycle.json and no store/); nothing to do`);
  }
  return acquireWorkLock(work, { command: actor.command, operator: actor.operator });
}

/** Runs `fn` holding the work folder; the lock is released however `fn` ends. */
export async function withWorkFolder<T>(work: string, actor: BookActor, create: boolean, fn: () => Promise<T>): Promise<T> {
  const lock = await holdWorkFolder(work, actor, create);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** True when the folder has a lifecycle record (or, from an earlier version, a store). */
export async function holdsBook(work: string): Promise<boolean> {
  return (await readLifecycle(work)) !== null || (await isFolder(storeDir(work)));
}

function offeringFacts(offering: Offering): Lifecycle['offering'] {
  return { stock_code: offering.stock_code, issuer: offering.issuer, hong_kong_initial_shares: offering.tranches.hong_kong_initial };
}

/** Transitions of a record made in memory and not yet written (logged when they are). */
const unsaved = new WeakMap<Lifecycle, Transition[]>();

/**
 * The book's record. A folder without one gets a new record (state open), written with the first
 * change (`persist` writes it now: the first ingest): so a command refused for its parameters
 * leaves nothing behind. Refuses a book of another offering.
 */
export async function loadBook(work: string, offering: Offering, actor: BookActor, persist = false): Promise<Lifecycle> {
  const found = await readLifecycle(work);
  if (found) {
    if (found.offering.stock_code !== '' && found.offering.stock_code !== offering.stock_code) {
      throw new UsageError(`--work ${work}: holds the book of stock code ${found.offering.stock_code}, not ${offering.stock_code}`);
    }
    return found;
  }
  const l = openBook(offeringFacts(offering), actorAt(actor));
  unsaved.set(l, [...l.transitions]);
  if (persist) await saveBook(work, l, actor);
  return l;
}

/** Writes the record; logs every transition it adds. */
export async function saveBook(work: string, l: Lifecycle, actor: BookActor, added?: Transition): Promise<void> {
  await writeLifecycle(work, l);
  for (const t of [...(unsaved.get(l) ?? []), ...(added ? [added] : [])]) {
    actor.logger?.info({ transition: t.to, at: t.at, command: t.command, operator: t.operator, host: t.host, pid: t.pid }, 'book transition');
  }
  unsaved.delete(l);
}

function carryUnsaved(from: Lifecycle, to: Lifecycle): Lifecycle {
  const pending = unsaved.get(from);
  if (pending) unsaved.set(to, pending);
  return to;
}

export async function addTransition(work: string, l: Lifecycle, t: Transition, actor: BookActor): Promise<Lifecycle> {
  const next = carryUnsaved(l, withTransition(l, t));
  await saveBook(work, next, actor, t);
  return next;
}

/** Records that this inbox feeds the book (the close looks for arrivals there). */
export async function recordInbox(work: string, l: Lifecycle, inbox: string, actor: BookActor): Promise<Lifecycle> {
  const next = rememberInbox(l, inbox);
  if (next !== l || unsaved.has(l)) await saveBook(work, next, actor);
  return next;
}

/** The same in memory only: written with the next change (a close). */
export function rememberInbox(l: Lifecycle, inbox: string): Lifecycle {
  const next = withInbox(l, path.resolve(inbox));
  return next === l ? l : carryUnsaved(l, next);
}

/** What an inbox file is now, in the form of an arrival (null when it is gone or not a file). */
export async function inboxEntryOf(inbox: string, file: Pick<InboxFile, 'folder' | 'name' | 'path'>): Promise<InboxEntry | null> {
  let st: ReturnType<typeof lstatSync> | null = null;
  try {
    st = lstatSync(file.path);
  } catch {
    st = null;
  }
  if (!st || !st.isFile()) return null;
  return { inbox: path.resolve(inbox), folder: file.folder, name: file.name, dev: st.dev, ino: st.ino, size: st.size, mtime_ms: st.mtimeMs };
}

/** Every file an ingest of these inboxes would take, as it is now. */
export async function scanArrivals(inboxes: readonly string[]): Promise<InboxEntry[]> {
  const entries: InboxEntry[] = [];
  for (const inbox of inboxes) {
    if (!(await isFolder(inbox))) continue;
    const { files } = await scanInbox(inbox);
    for (const f of files) {
      const e = await inboxEntryOf(inbox, f);
      if (e) entries.push(e);
    }
  }
  return entries;
}

/**
 * Closes the book now: the files in the book's inboxes at this instant are its last arrivals.
 * The caller ingests them next (they count); any other file is BOOK_CLOSED from here on.
 */
export async function closeBook(work: string, l: Lifecycle, actor: BookActor): Promise<Lifecycle> {
  if (viewOf(l).closed !== null) return l;
  const arrivals: Arrival[] = await scanArrivals(l.inboxes);
  return addTransition(work, l, { ...actorAt(actor), to: 'closed', arrivals }, actor);
}

/** Asked before a file is read and again just before its instructions are committed. */
export interface BookGate {
  admit(file: InboxFile): Promise<Admission>;
}

/** The gate of the book in `work` for files of `inbox`: reads lifecycle.json when it changes. */
export function bookGate(work: string, inbox: string): BookGate {
  const watch = new LifecycleWatch(work);
  return {
    async admit(file) {
      const l = await watch.current();
      if (l === null) return { admit: true, listsClosed: false };
      const entry = await inboxEntryOf(inbox, file);
      if (entry === null) throw new StorageError(`inbox file ${file.path} disappeared while it was being ingested`);
      return admitFile(l, entry);
    },
  };
}

/**
 * The final allocation (or lapse) of the book, for the commands that act on it afterwards
 * (publishing, payment): refused (UsageError, exit 2) when the folder holds no book, the book is
 * not final, or an allocation or lapse is being written or replaced. The caller then checks that
 * the manifest on disk is `final.manifest_sha256`, so only the recorded allocation is ever used.
 */
export async function requireFinalAllocation(work: string, what: string): Promise<FinalTransition> {
  const lifecycle = await readLifecycle(work);
  if (lifecycle === null) throw new UsageError(`work ${work}: holds no book (no lifecycle.json); nothing to ${what}`);
  const view = viewOf(lifecycle);
  if (view.final === null) throw new UsageError(`work ${work}: the book is ${view.state}, not allocated; nothing to ${what} until allocate has run`);
  if (view.pending !== null) {
    throw new UsageError(`work ${work}: ${view.pending.to === 'allocating' ? 'an allocation' : 'a lapse'} started at ${view.pending.at} by ${view.pending.operator} has not finished; ${what} once it has`);
  }
  return view.final;
}
