/**
 * Writes an acknowledgement `<work>/outbox/<folder>/<file name>.ack.csv` atomically and streaming:
 * lines go to a temporary file in the same folder, which is fsynced and renamed into place.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export function ackPath(work: string, folder: string, fileName: string): string {
  return path.join(work, 'outbox', folder, `${fileName}.ack.csv`);
}

export async function writeAckFile(work: string, folder: string, fileName: string, lines: AsyncIterable<string> | Iterable<string>): Promise<string> {
  const target = ackPath(work, folder, fileName);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    let buffer = '';
    for await (const line of lines) {
      buffer += line;
      if (buffer.length >= 64 * 1024) {
        await handle.write(buffer);
        buffer = '';
      }
    }
    if (buffer) await handle.write(buffer);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  await fs.rename(tmp, target);
  return target;
}
