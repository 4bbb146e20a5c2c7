/**
 * A file written in pieces under a temporary name in its final folder, hashed as it is written,
 * and renamed into place only when told (commit): the payment run's outputs and issuance events,
 * which can be hundreds of megabytes. Text is encoded into chunks of a megabyte, and a writer
 * waits once a chunk is on its way to the disk, so memory stays bounded however large the file.
 *
 * Every SYNC_AHEAD_BYTES written, an fsync is started in the background (one at a time, never
 * waited for by the writer): the disk writes the file while the rest is computed, and the fsync of
 * close() finds little left to do (the allocation's files are a gigabyte at five million
 * applications; written back only at close, their fsync alone took seconds).
 */
import { createHash, Hash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { StorageError } from '../domain/errors';

const CHUNK_BYTES = 1 << 20;
const SYNC_AHEAD_BYTES = 64 << 20;

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
  /** The background fsync under way (SYNC_AHEAD_BYTES), if any; its fault is found again by close(). */
  private syncing: Promise<void> | null = null;
  private syncedUpTo = 0;
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  rows = 0;

  private constructor(readonly tmp: string, readonly target: string, private handle: FileHandle | null, private readonly durable: boolean, private readonly syncAheadBytes: number) {}

  /**
   * `durable` false: never fsynced, for a temporary part that another file copies (and that file
   * is fsynced): the allocation's second thread (allocation-rows-worker.ts).
   */
  static async open(dir: string, name: string, { durable = true, syncAheadBytes = SYNC_AHEAD_BYTES }: { durable?: boolean; syncAheadBytes?: number } = {}): Promise<StreamedFile> {
    try {
      await fs.mkdir(dir, { recursive: true });
      const tmp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
      return new StreamedFile(tmp, path.join(dir, name), await fs.open(tmp, 'w'), durable, syncAheadBytes);
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
    this.inflight = previous.then(() => writeWhole(handle, bytes));
    // Observed by the next send or by close(); never an unhandled rejection meanwhile.
    this.inflight.catch(() => undefined);
    this.syncAheadIfDue(handle);
    await this.settled(previous);
  }

  /**
   * Every syncAheadBytes of a durable file, an fsync of what is written so far (after the write in
   * flight), unless one is still under way; a fault is left for close()'s own fsync to meet.
   */
  private syncAheadIfDue(handle: FileHandle): void {
    if (!this.durable || this.syncing !== null || this.bytes - this.syncedUpTo < this.syncAheadBytes) return;
    this.syncedUpTo = this.bytes;
    this.syncing = this.inflight.then(() => handle.sync()).catch(() => undefined).finally(() => {
      this.syncing = null;
    });
  }

  private async settled(p: Promise<void>): Promise<void> {
    try {
      await p;
    } catch (e) {
      throw new StorageError(`cannot write ${this.tmp}: ${(e as Error).message}`);
    }
  }

  /**
   * Appends another file's bytes (a payment file's body, a part rendered by another thread),
   * streamed: megabyte reads into two buffers in turn, each read overlapping the write of the
   * one before (a part is half a gigabyte at five million applications).
   */
  async append(file: string): Promise<void> {
    await this.flush();
    await this.settled(this.inflight);
    const handle = this.handle;
    if (!handle) return;
    let source: FileHandle;
    try {
      source = await fs.open(file, 'r');
    } catch (e) {
      throw new StorageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    let writing: Promise<void> = Promise.resolve();
    try {
      for (let k = 0; ; k ^= 1) {
        // The write in flight is of the other buffer.
        const { bytesRead } = await source.read(buffers[k]!, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) break;
        const chunk = buffers[k]!.subarray(0, bytesRead);
        this.hash.update(chunk);
        this.bytes += bytesRead;
        await writing;
        writing = writeWhole(handle, chunk);
        writing.catch(() => undefined);
        this.inflight = writing;
        this.syncAheadIfDue(handle);
      }
      await writing;
    } catch (e) {
      await writing.catch(() => undefined);
      throw new StorageError(`cannot append ${file} to ${this.tmp}: ${(e as Error).message}`);
    } finally {
      await source.close().catch(() => undefined);
    }
    this.inflight = Promise.resolve();
  }

  /** Flushes, fsyncs (when durable) and closes; returns the SHA-256 (hex) of everything written. */
  async close(): Promise<string> {
    await this.flush();
    await this.settled(this.inflight);
    await this.syncing;
    if (this.handle) {
      try {
        if (this.durable) await this.handle.sync();
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
    await this.syncing;
    try {
      await this.handle?.close();
    } catch {
      // already failing; the removal below is what matters
    }
    this.handle = null;
    await fs.rm(this.tmp, { force: true });
  }
}

/** Writes every byte of `bytes` at the file's position. */
async function writeWhole(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, at, bytes.length - at);
    at += bytesWritten;
  }
}
