/**
 * A file written in pieces under a temporary name in its final folder, hashed as it is written,
 * and renamed into place only when told (commit): the payment run's outputs and issuance events,
 * which can be hundreds of megabytes. Text is gathered into chunks of about a megabyte, and a
 * writer waits once a chunk is on its way to the disk, so memory stays bounded however large the file.
 */
import { createHash, Hash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { StorageError } from '../domain/errors';

const CHUNK_CHARS = 1 << 20;

/** Temporary names: `.<name>.<12 hex>.tmp`, the pattern writeOutputFolder also clears. */
export const TEMP_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/;

export class StreamedFile {
  private pending = '';
  private inflight: Promise<void> = Promise.resolve();
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  rows = 0;

  private constructor(readonly tmp: string, readonly target: string, private handle: FileHandle | null) {}

  static async open(dir: string, name: string): Promise<StreamedFile> {
    try {
      await fs.mkdir(dir, { recursive: true });
      const tmp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
      return new StreamedFile(tmp, path.join(dir, name), await fs.open(tmp, 'w'));
    } catch (e) {
      throw new StorageError(`cannot write in ${dir}: ${(e as Error).message}`);
    }
  }

  /** Appends text; `rows` counts data rows for the caller. Resolves at once unless a chunk is due. */
  write(text: string, rows = 0): Promise<void> | undefined {
    this.pending += text;
    this.rows += rows;
    return this.pending.length >= CHUNK_CHARS ? this.flush() : undefined;
  }

  /**
   * Hands the gathered text to the disk. One chunk may still be on its way while the caller goes
   * on (the next one waits for it), so computing and writing overlap and at most two chunks a
   * file are in memory.
   */
  private async flush(): Promise<void> {
    if (this.pending === '' || !this.handle) return;
    const buf = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.hash.update(buf);
    this.bytes += buf.length;
    const handle = this.handle;
    const previous = this.inflight;
    this.inflight = previous.then(() => handle.write(buf)).then(() => undefined);
    // Observed by the next flush or by close(); never an unhandled rejection meanwhile.
    this.inflight.catch(() => undefined);
    await this.settled(previous);
  }

  private async settled(p: Promise<void>): Promise<void> {
    try {
      await p;
    } catch (e) {
      throw new StorageError(`cannot write ${this.tmp}: ${(e as Error).message}`);
    }
  }

  /** Appends another file's bytes (a payment file's body), streamed. */
  async append(file: string): Promise<void> {
    await this.flush();
    await this.settled(this.inflight);
    for await (const chunk of createReadStream(file)) {
      const buf = chunk as Buffer;
      this.hash.update(buf);
      this.bytes += buf.length;
      await this.handle!.write(buf);
    }
  }

  /** Flushes, fsyncs and closes; returns the SHA-256 (hex) of everything written. */
  async close(): Promise<string> {
    await this.flush();
    await this.settled(this.inflight);
    if (this.handle) {
      try {
        await this.handle.sync();
        await this.handle.close();
      } catch (e) {
        throw new StorageError(`cannot write ${this.tmp}: ${(e as Error).message}`);
      }
      this.handle = null;
    }
    return this.hash.copy().digest('hex');
  }

  async commit(): Promise<void> {
    await this.close();
    try {
      await fs.rename(this.tmp, this.target);
    } catch (e) {
      throw new StorageError(`cannot write ${this.target}: ${(e as Error).message}`);
    }
  }

  /** Closes and removes the temporary file (nothing of it stays). */
  async abort(): Promise<void> {
    try {
      await this.inflight;
    } catch {
      // the write that failed; the file goes anyway
    }
    try {
      await this.handle?.close();
    } catch {
      // already failing; the removal below is what matters
    }
    this.handle = null;
    await fs.rm(this.tmp, { force: true });
  }
}
