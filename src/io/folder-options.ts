/**
 * The folders named on the command line (`--work`, `--inbox`), checked before a command runs so
 * that every command answers the same way: a path that is a file, or under a file, or (for an
 * inbox) missing is a UsageError (exit code 2) and nothing is written. A work folder that does
 * not exist yet is fine when it can be created (its nearest existing parent is a folder).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageError, systemErrorCode } from '../domain/errors';

export async function checkFolderOption(flag: string, dir: string, mustExist: boolean): Promise<void> {
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    let isDirectory: boolean;
    try {
      isDirectory = (await fs.stat(p)).isDirectory();
    } catch (e) {
      const code = systemErrorCode(e);
      if (code === 'ENOENT') {
        if (mustExist && p === path.resolve(dir)) throw new UsageError(`${flag} ${dir}: not a folder (it does not exist)`);
        if (p === path.dirname(p)) return;
        continue;
      }
      if (code === 'ENOTDIR') throw new UsageError(`${flag} ${dir}: not a folder (a part of the path is a file)`);
      throw new UsageError(`${flag} ${dir}: cannot be used (${code ?? 'unreadable'})`);
    }
    if (isDirectory) return;
    // Only the folder itself can be found here as a file: below a file, stat says ENOTDIR.
    throw new UsageError(`${flag} ${dir}: not a folder (it is a file)`);
  }
}
