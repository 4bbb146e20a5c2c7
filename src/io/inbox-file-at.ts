/**
 * An inbox file named rather than scanned (a queued drop, a close's arrival): the identity a scan
 * records (io/inbox.ts: the file's and its participant folder's device and inode, by lstat, no
 * link followed), so that it is read only through a descriptor of that very file
 * (io/inbox-entry.ts), and its SHA-256 read the same way.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StorageError, systemErrorCode } from '../domain/errors';
import type { InboxFile } from './inbox';
import { openInboxEntry } from './inbox-entry';

async function lstat(p: string) {
  try {
    return await fs.lstat(p, { bigint: true });
  } catch (e) {
    const code = systemErrorCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw StorageError.wrap('inspect', p, e);
  }
}

/** The file as a scan would list it, or null when there is no regular file there now. */
export async function inboxFileAt(inbox: string, folder: string, name: string): Promise<InboxFile | null> {
  const folderPath = path.join(inbox, folder);
  const file = path.join(folderPath, name);
  const [dst, fst] = [await lstat(folderPath), await lstat(file)];
  if (!dst?.isDirectory() || !fst?.isFile()) return null;
  return { folder, name, path: file, dev: fst.dev, ino: fst.ino, folderDev: dst.dev, folderIno: dst.ino };
}

/**
 * SHA-256 of the file's bytes read through its descriptor: `sha256` null when it has more than
 * `maxBytes` (not read beyond); null altogether when it is no longer that file.
 */
export async function hashInboxFile(file: InboxFile, maxBytes: number): Promise<{ sha256: string | null } | null> {
  const opened = await openInboxEntry(file);
  if (!opened.ok) return null;
  try {
    return { sha256: await opened.entry.sha256(maxBytes) };
  } finally {
    await opened.entry.close();
  }
}
