/**
 * Writes an acknowledgement `<work>/outbox/<folder>/<file name>.ack.csv` atomically and streaming:
 * text goes to a temporary file `.<file name>.ack.csv.<12 hex>.tmp` in the same folder, which is
 * fsynced and renamed into place. A run stopped between the write and the rename leaves the
 * temporary file: removeAckLeftovers deletes them on the next start, so a participant never sees
 * one. Every file-system fault is a StorageError naming the path and the operation.
 */
import { promises as fs, renameSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StorageError } from '../domain/errors';
import { ensureFolder } from './ensure-folder';
import { TempTextFile } from './temp-file';

export function ackPath(work: string, folder: string, fileName: string): string {
  return path.join(work, 'outbox', folder, `${fileName}.ack.csv`);
}

const CHUNK_CHARS = 64 * 1024;
/** The temporary name of an acknowledgement being written. */
const ACK_TEMP = /^\..+\.ack\.csv\.[0-9a-f]{12}\.tmp$/;

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
  const dir = path.dirname(target);
  await ensureFolder(dir);
  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(tmp, 'w');
  } catch (e) {
    throw StorageError.wrap('create', tmp, e);
  }
  let buffer = '';
  let open = true;
  const close = async () => {
    if (open) {
      open = false;
      await handle.close();
    }
  };
  const fail = async (operation: string, e: unknown): Promise<never> => {
    await close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw StorageError.wrap(operation, target, e);
  };
  return {
    async write(text) {
      buffer += text;
      if (buffer.length >= CHUNK_CHARS) {
        const chunk = buffer;
        buffer = '';
        await handle.write(chunk).catch((e: unknown) => fail('write', e));
      }
    },
    async commit() {
      try {
        if (buffer) await handle.write(buffer);
        buffer = '';
        await handle.sync();
        await close();
      } catch (e) {
        return fail('write', e);
      }
      try {
        await fs.rename(tmp, target);
      } catch (e) {
        return fail('rename into place', e);
      }
      return target;
    },
    async abort() {
      buffer = '';
      await close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
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

/** On start: removes the temporary acknowledgements a stopped run left in `<work>/outbox/*`. Returns how many. */
export async function removeAckLeftovers(work: string): Promise<number> {
  const outbox = path.join(work, 'outbox');
  const folders = await fs.readdir(outbox).catch(() => [] as string[]);
  let removed = 0;
  for (const folder of folders) {
    for (const name of await fs.readdir(path.join(outbox, folder)).catch(() => [] as string[])) {
      if (!ACK_TEMP.test(name)) continue;
      const file = path.join(outbox, folder, name);
      try {
        await fs.rm(file, { force: true });
      } catch (e) {
        throw StorageError.wrap('remove the leftover', file, e);
      }
      removed += 1;
    }
  }
  return removed;
}

/** An acknowledgement written and fsynced under its temporary name, waiting to be put in place. Plain data (crosses threads). */
export interface PreparedAck {
  tmp: string;
  target: string;
}

/** A temporary acknowledgement written synchronously (io/temp-file.ts); finish() then commitPreparedAck(). */
export function createAckTempFile(work: string, folder: string, fileName: string): TempTextFile {
  return TempTextFile.create(ackPath(work, folder, fileName), false, true);
}

/** Renames a prepared acknowledgement into place; returns its path. */
export async function commitPreparedAck(prepared: PreparedAck): Promise<string> {
  try {
    renameSync(prepared.tmp, prepared.target);
  } catch (e) {
    await fs.rm(prepared.tmp, { force: true }).catch(() => undefined);
    throw StorageError.wrap('rename into place', prepared.target, e);
  }
  return prepared.target;
}

export async function discardPreparedAck(prepared: PreparedAck): Promise<void> {
  await fs.rm(prepared.tmp, { force: true }).catch(() => undefined);
}
