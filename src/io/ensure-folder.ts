/**
 * mkdir -p that tells the truth: Node's recursive mkdir reports ENOENT when a parent cannot be
 * created on a read-only or full file system. On failure the deepest missing folder is created on
 * its own to learn the real cause (EROFS, ENOSPC, EACCES...), and a StorageError names it.
 */
import { existsSync, mkdirSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StorageError, systemErrorCode } from '../domain/errors';

export async function ensureFolder(dir: string, operation = 'create the folder'): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    return;
  } catch (e) {
    if (systemErrorCode(e) !== 'ENOENT') throw StorageError.wrap(operation, dir, e);
  }
  // Find the deepest folder that exists, then create the next one alone for its real error.
  let missing = path.resolve(dir);
  while (path.dirname(missing) !== missing && !(await fs.lstat(path.dirname(missing)).then(() => true, () => false))) missing = path.dirname(missing);
  try {
    await fs.mkdir(missing);
  } catch (e) {
    throw StorageError.wrap(operation, dir, e);
  }
  throw new StorageError(`cannot ${operation} ${dir} (it vanished while being created)`);
}

/** The same, synchronously (a worker thread preparing a file's store and acknowledgement). */
export function ensureFolderSync(dir: string, operation = 'create the folder'): void {
  try {
    mkdirSync(dir, { recursive: true });
    return;
  } catch (e) {
    if (systemErrorCode(e) !== 'ENOENT') throw StorageError.wrap(operation, dir, e);
  }
  let missing = path.resolve(dir);
  while (path.dirname(missing) !== missing && !existsSync(path.dirname(missing))) missing = path.dirname(missing);
  try {
    mkdirSync(missing);
  } catch (e) {
    throw StorageError.wrap(operation, dir, e);
  }
  throw new StorageError(`cannot ${operation} ${dir} (it vanished while being created)`);
}
