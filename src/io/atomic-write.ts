/**
 * Atomic file writes: write to a temporary file in the same folder, fsync, then rename, so a
 * reader (or a crash) never sees a half-written file. The temporary name is
 * `.<name>.<12 hex>.tmp`; a run stopped between write and rename leaves it behind, and the
 * owner of the folder removes such leftovers on its next start.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StorageError } from '../domain/errors';
import { ensureFolder } from './ensure-folder';

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  await ensureFolder(dir);
  let step = 'write';
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    step = 'rename into place';
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw StorageError.wrap(step, file, e);
  }
}
