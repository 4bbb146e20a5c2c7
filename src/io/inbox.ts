/**
 * The inbox (spec: instruction-file.md, "Where files arrive"): only `inbox/<participant_id>/*.csv`
 * is taken. Hidden entries, non-.csv files, names with a path separator or `..`, subfolders,
 * symbolic links and anything else are ignored and reported, never followed. So are names that
 * cannot be stored safely: not UTF-8, with a control character, or longer than MAX_NAME_BYTES
 * (the acknowledgement's temporary name `.<name>.ack.csv.<hex>.tmp` adds 26 bytes, and a file
 * system allows 255). Files are listed in a deterministic order: folder name, then file name,
 * both compared as UTF-8 bytes.
 *
 * Each participant folder is opened once (O_DIRECTORY | O_NOFOLLOW) and listed through that
 * descriptor, and the scan records the device and inode of the folder and of every file: a file
 * is later read only if it is still that very inode (io/inbox-entry.ts).
 */
import { closeSync, constants as fsConstants, existsSync, fstatSync, lstatSync, openSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StorageError, systemErrorCode } from '../domain/errors';
import { cutText } from '../domain/mask';

export interface InboxFile {
  /** The participant folder (the sender's identity). */
  folder: string;
  name: string;
  path: string;
  /** Device and inode of the file as the scan saw it (lstat). */
  dev: bigint;
  ino: bigint;
  /** Device and inode of the participant folder as the scan saw it. */
  folderDev: bigint;
  folderIno: bigint;
}

export interface IgnoredEntry {
  /** Path relative to the inbox, `/`-separated, control characters escaped, cut to 120 characters. */
  entry: string;
  reason: string;
}

/** The longest file or folder name taken, in UTF-8 bytes (255 less the longest suffix we add, with room). */
export const MAX_NAME_BYTES = 200;

export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A name as it may be shown on one line of stderr or a log: control characters escaped, cut. */
export function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return cutText(name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`), 120);
}

function decodeName(raw: Buffer): { name: string; utf8: boolean } {
  try {
    return { name: strictUtf8.decode(raw), utf8: true };
  } catch {
    return { name: raw.toString('utf8'), utf8: false };
  }
}

function nameProblem(raw: Buffer, name: string, utf8: boolean): string | null {
  if (!utf8) return 'name is not UTF-8';
  if (name.startsWith('.')) return 'hidden';
  if (name.includes('/') || name.includes('\\') || name.includes('..')) return 'name contains a path separator or ..';
  if (CONTROL.test(name)) return 'name contains a control character';
  if (raw.length > MAX_NAME_BYTES) return `name longer than ${MAX_NAME_BYTES} bytes (its acknowledgement could not be stored)`;
  return null;
}

const PROC_FD = '/proc/self/fd';
let procFd: boolean | null = null;

/**
 * A path that reaches a folder through its open descriptor (Linux: /proc/self/fd/N), so that a
 * folder replaced by a symbolic link after it was opened is never followed. Elsewhere, the path.
 */
export function folderViaDescriptor(fd: number, folderPath: string): string {
  procFd ??= existsSync(PROC_FD);
  return procFd ? `${PROC_FD}/${fd}` : folderPath;
}

/**
 * Opens a folder without following a symbolic link; null when it is not (or no longer) a folder.
 * Synchronously, like every tiny call of an inbox file's path: an open of a folder in the page
 * cache costs microseconds, a hand-off to the thread pool and back more (issue 9).
 */
export function openFolder(folderPath: string): number | null {
  try {
    return openSync(folderPath, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY | fsConstants.O_NOFOLLOW);
  } catch (e) {
    const code = systemErrorCode(e);
    if (code === 'ELOOP' || code === 'ENOTDIR' || code === 'ENOENT' || code === 'EACCES') return null;
    throw StorageError.wrap('open the folder', folderPath, e);
  }
}

function lstatOrNull(p: string) {
  try {
    return lstatSync(p, { bigint: true });
  } catch (e) {
    if (systemErrorCode(e) === 'ENOENT') return null; // gone since it was listed
    throw StorageError.wrap('inspect', p, e);
  }
}

export async function scanInbox(inboxDir: string): Promise<{ files: InboxFile[]; ignored: IgnoredEntry[] }> {
  const files: InboxFile[] = [];
  const ignored: IgnoredEntry[] = [];
  let top: Buffer[];
  try {
    top = await fs.readdir(inboxDir, { encoding: 'buffer' });
  } catch (e) {
    throw StorageError.wrap('read the inbox', inboxDir, e);
  }
  const named = (raws: Buffer[]) => raws.map((raw) => ({ raw, ...decodeName(raw) })).sort((a, b) => Buffer.compare(a.raw, b.raw));
  for (const { raw, name: folder, utf8 } of named(top)) {
    const folderPath = path.join(inboxDir, folder);
    const problem = nameProblem(raw, folder, utf8);
    if (problem) { ignored.push({ entry: displayName(folder), reason: problem }); continue; }
    const st = lstatOrNull(folderPath);
    if (!st) continue;
    if (st.isSymbolicLink()) { ignored.push({ entry: folder, reason: 'symbolic link' }); continue; }
    if (!st.isDirectory()) { ignored.push({ entry: folder, reason: 'not in a participant folder' }); continue; }
    const handle = openFolder(folderPath);
    if (handle === null) { ignored.push({ entry: folder, reason: 'participant folder cannot be opened (replaced or not readable)' }); continue; }
    try {
      const dst = fstatSync(handle, { bigint: true });
      const base = folderViaDescriptor(handle, folderPath);
      let names: Buffer[];
      try {
        names = await fs.readdir(base, { encoding: 'buffer' });
      } catch (e) {
        throw StorageError.wrap('read the folder', folderPath, e);
      }
      for (const { raw: rawName, name, utf8: nameUtf8 } of named(names)) {
        const entry = `${folder}/${displayName(name)}`;
        const bad = nameProblem(rawName, name, nameUtf8);
        if (bad) { ignored.push({ entry, reason: bad }); continue; }
        const fst = lstatOrNull(path.join(base, name));
        if (!fst) continue;
        if (fst.isSymbolicLink()) ignored.push({ entry, reason: 'symbolic link' });
        else if (fst.isDirectory()) ignored.push({ entry, reason: 'subfolder' });
        else if (!fst.isFile()) ignored.push({ entry, reason: 'not a regular file' });
        else if (!name.endsWith('.csv')) ignored.push({ entry, reason: 'not a .csv file' });
        else files.push({ folder, name, path: path.join(folderPath, name), dev: fst.dev, ino: fst.ino, folderDev: dst.dev, folderIno: dst.ino });
      }
    } finally {
      closeSync(handle);
    }
  }
  return { files, ignored };
}
