/**
 * Writes an acknowledgement `<work>/outbox/<folder>/<file name>.ack.csv` atomically and streaming:
 * text goes to a temporary file in the same folder, which is fsynced and renamed into place.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export function ackPath(work: string, folder: string, fileName: string): string {
  return path.join(work, 'outbox', folder, `${fileName}.ack.csv`);
}

const CHUNK_CHARS = 64 * 1024;

export interface AckFileWriter {
  /** Appends text (buffered; written in chunks). */
  write(text: string): Promise<void>;
  /** fsync, close and rename into place; returns the ack's path. */
  commit(): Promise<string>;
  /** Removes the temporary file; the ack in place (if any) is untouched. */
  abort(): Promise<void>;
}

/** A temporary ack file, put in place only by commit(). */
export async function openAckFileWriter(work: string, folder: string, fileName: string): Promise<AckFileWriter> {
  const target = ackPath(work, folder, fileName);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w');
  let buffer = '';
  let open = true;
  const close = async () => {
    if (open) {
      open = false;
      await handle.close();
    }
  };
  return {
    async write(text) {
      buffer += text;
      if (buffer.length >= CHUNK_CHARS) {
        const chunk = buffer;
        buffer = '';
        await handle.write(chunk);
      }
    },
    async commit() {
      try {
        if (buffer) await handle.write(buffer);
        buffer = '';
        await handle.sync();
      } catch (e) {
        await close();
        await fs.rm(tmp, { force: true });
        throw e;
      }
      await close();
      await fs.rename(tmp, target);
      return target;
    },
    async abort() {
      buffer = '';
      await close().catch(() => undefined);
      await fs.rm(tmp, { force: true });
    },
  };
}

export async function writeAckFile(work: string, folder: string, fileName: string, lines: AsyncIterable<string> | Iterable<string>): Promise<string> {
  const writer = await openAckFileWriter(work, folder, fileName);
  try {
    for await (const line of lines) await writer.write(line);
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return writer.commit();
}
