/**
 * A file written in pieces under a temporary name in its final folder, hashed as it is written,
 * and renamed into place only when told (commit): the payment run's outputs and issuance events,
 * which can be hundreds of megabytes. Text is encoded into chunks of a megabyte, and a writer
 * waits once a chunk is on its way to the disk, so memory stays bounded however large the file.
 */
import { createHash, Hash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { StorageError } from '../domain/errors';

const CHUNK_BYTES = 1 << 20;

export class StreamedFile {
  /**
   * Text is encoded into this buffer as it comes. Never kept as strings: a record built from
   * cells read from a file is a rope of slices of the 64 KB chunk they came from, and holding a
   * thousand such records from a thousand chunks would hold all those chunks (a re-issue run,
   * which writes one row in a thousand, showed it).
   */
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
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
    this.rows += rows;
    // At most 3 bytes of UTF-8 per UTF-16 unit: make room first when the text might not fit.
    if (text.length * 3 > CHUNK_BYTES - this.used) {
      if (text.length * 3 > CHUNK_BYTES) return Promise.all([this.flush(), this.send(Buffer.from(text, 'utf8'))]).then(() => undefined);
      const due = this.flush();
      this.used += this.buf.write(text, this.used, 'utf8');
      return due;
    }
    this.used += this.buf.write(text, this.used, 'utf8');
    return undefined;
  }

  /** Hands the bytes gathered so far to the disk (see send). */
  private flush(): Promise<void> {
    if (this.used === 0) return this.settled(Promise.resolve());
    const full = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    return this.send(full);
  }

  /**
   * One chunk may still be on its way to the disk while the caller goes on (the next one waits
   * for it), so computing and writing overlap and at most two chunks a file are in memory.
   */
  private async send(bytes: Buffer): Promise<void> {
    if (!this.handle) return;
    this.hash.update(bytes);
    this.bytes += bytes.length;
    const handle = this.handle;
    const previous = this.inflight;
    this.inflight = previous.then(() => handle.write(bytes)).then(() => undefined);
    // Observed by the next send or by close(); never an unhandled rejection meanwhile.
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
