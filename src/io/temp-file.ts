/**
 * A text file written under a temporary name, to be renamed into place by its owner: appends are
 * encoded straight into a byte buffer of about 256 KiB (no string built up and encoded again) and
 * written one system call a buffer, synchronously (no promise a line: the ingest of a file writes
 * its store lines and its acknowledgement this way, on the main thread or in a worker thread),
 * optionally hashed (SHA-256) exactly as written. The file is created through the thread pool
 * while the caller goes on appending (creating a file waits for the file system's journal while
 * other files are fsynced: up to a millisecond that the judging thread should not stand still);
 * the buffer simply grows until the file exists. `finish()` writes the rest, fsyncs
 * (asynchronously, so the thread goes on with other work while the disk catches up) and closes:
 * after it the bytes are durable under the temporary name.
 *
 * The temporary name is `.<final name>.<12 hex>.tmp` in the final folder (the owners remove such
 * leftovers of a stopped run on their next start). Every fault is a StorageError naming the final
 * path and the operation, thrown by the first call after it is known (write, finish).
 */
import { closeSync, constants as fsConstants, promises as fs, writeSync } from 'node:fs';
import { createHash, Hash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { StorageError } from '../domain/errors';
import { closeQuietly } from './descriptors';
import { ensureFolderSync } from './ensure-folder';
import { fsyncThroughPool, openThroughPool } from './pool-calls';

/** Bytes gathered before a write (once the file exists). */
const CHUNK_BYTES = 256 * 1024;
/** The first buffer of a file; it doubles when an append does not fit. */
const FIRST_BUFFER = 64 * 1024;
/** Buffers of finished files kept for the next ones in this thread (a judged file has two). */
const SPARE_BUFFERS = 4;
const spare: Buffer[] = [];

/** 12 hex digits unique to this thread's temporary files: a random prefix, then a counter. */
const PREFIX = randomBytes(3).readUIntBE(0, 3) * 0x1000000;
let counter = 0;
function uniqueHex(): string {
  counter = (counter + 1) % 0x1000000;
  return (PREFIX + counter).toString(16).padStart(12, '0');
}

/** The temporary name beside `target`. */
export function temporaryNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${uniqueHex()}.tmp`);
}

const CREATE_FLAGS = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;

const openExclusive = (tmp: string) => openThroughPool(tmp, CREATE_FLAGS, 0o644);

/** The file created (never an existing one), or the fault that prevented it (as a StorageError). */
type Opened = { fd: number } | { fault: StorageError };

async function createExclusive(tmp: string, createFolder: boolean): Promise<Opened> {
  try {
    return { fd: await openExclusive(tmp) };
  } catch (e) {
    if (!createFolder) return { fault: StorageError.wrap('create', tmp, e) };
  }
  try {
    // The folder missing or not a folder: ensureFolderSync names it; else the same fault again.
    ensureFolderSync(path.dirname(tmp));
  } catch (e) {
    return { fault: e instanceof StorageError ? e : StorageError.wrap('create', tmp, e) };
  }
  try {
    return { fd: await openExclusive(tmp) };
  } catch (e) {
    return { fault: StorageError.wrap('create', tmp, e) };
  }
}

export class TempTextFile {
  private buffer: Buffer | null;
  /** Bytes of `buffer` not yet written. */
  private at = 0;
  /** The descriptor once the file exists, until it is closed. */
  private fd: number | null = null;
  private fault: StorageError | null = null;
  private finished = false;
  /** `finish()` was called (once only). */
  private closing = false;
  /** The bytes' SHA-256 once every byte is written (`written()`). */
  private digest: string | null = null;
  private readonly hash: Hash | null;

  private constructor(
    readonly tmp: string,
    /** The path it will be renamed to (named in errors). */
    readonly target: string,
    hashed: boolean,
    private readonly opened: Promise<Opened>,
  ) {
    this.hash = hashed ? createHash('sha256') : null;
    this.buffer = spare.pop() ?? Buffer.allocUnsafe(FIRST_BUFFER);
    void opened.then((o) => {
      if ('fd' in o) {
        if (this.finished && this.buffer === null) closeQuietly(o.fd); // aborted before it existed (abort removes it)
        else this.fd = o.fd;
      } else this.fault = o.fault;
    });
  }

  /**
   * Creates the temporary file (never an existing one) in the target's folder, through the
   * thread pool: appends may begin at once. The folder must exist, or with `createFolder` is
   * created when the first attempt finds it missing (one system call a file in the usual case,
   * where the folder is already there, instead of a mkdir each time).
   */
  static create(target: string, hashed: boolean, createFolder = false): TempTextFile {
    const tmp = temporaryNameFor(target);
    return new TempTextFile(tmp, target, hashed, createExclusive(tmp, createFolder));
  }

  write(text: string): void {
    if (this.fault) throw this.fault;
    if (this.buffer === null) throw new StorageError(`cannot write ${this.target} (already closed)`);
    // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4).
    const room = text.length * 3;
    if (this.at + room > this.buffer.length) this.grow(this.at + room);
    this.at += this.buffer.write(text, this.at, 'utf8');
    if (this.at >= CHUNK_BYTES && this.fd !== null) this.flush();
  }

  private grow(bytes: number): void {
    let size = this.buffer!.length * 2;
    while (size < bytes) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer!.copy(bigger, 0, 0, this.at);
    this.buffer = bigger;
  }

  private flush(): void {
    if (this.at === 0 || this.fd === null || this.buffer === null) return;
    const chunk = this.buffer.subarray(0, this.at);
    this.hash?.update(chunk);
    try {
      for (let done = 0; done < chunk.length; ) done += writeSync(this.fd, chunk, done, chunk.length - done);
    } catch (e) {
      throw StorageError.wrap('write', this.target, e);
    }
    this.at = 0;
  }

  /** Gives the buffer back for the next file of this thread. */
  private release(): void {
    const b = this.buffer;
    this.buffer = null;
    this.at = 0;
    if (b && b.length <= CHUNK_BYTES * 2 && spare.length < SPARE_BUFFERS) spare.push(b);
  }

  /**
   * Writes the rest (no fsync yet) and returns the SHA-256 (hex) of every byte written when
   * hashed, else '': the hash is known before the file is durable, so a file that names it (the
   * store's meta) can be written and fsynced alongside. No write after it; `finish()` then makes
   * the bytes durable.
   */
  async written(): Promise<string> {
    if (this.digest !== null) return this.digest;
    if (this.finished) throw new StorageError(`cannot write ${this.target} (already closed)`);
    const opened = await this.opened;
    if ('fault' in opened) {
      this.finished = true;
      this.release();
      throw opened.fault;
    }
    this.fd = opened.fd;
    try {
      this.flush();
    } catch (e) {
      await this.abort();
      throw e;
    }
    this.finished = true;
    this.release();
    this.digest = this.hash ? this.hash.digest('hex') : '';
    return this.digest;
  }

  /** Writes the rest, fsyncs and closes. Returns the SHA-256 (hex) of the bytes when hashed, else ''. */
  async finish(): Promise<string> {
    if (this.closing) throw new StorageError(`cannot write ${this.target} (already closed)`);
    this.closing = true;
    const digest = await this.written();
    const fd = this.fd;
    if (fd === null) throw new StorageError(`cannot write ${this.target} (already closed)`);
    try {
      await fsyncThroughPool(fd);
    } catch (e) {
      await this.abort();
      throw StorageError.wrap('write', this.target, e);
    }
    this.fd = null;
    try {
      closeSync(fd);
    } catch (e) {
      await fs.rm(this.tmp, { force: true }).catch(() => undefined);
      throw StorageError.wrap('write', this.target, e);
    }
    return digest;
  }

  /** Closes (if open) and removes the temporary file. */
  async abort(): Promise<void> {
    this.finished = true;
    this.release();
    const opened = await this.opened;
    if ('fd' in opened && this.fd !== null) {
      closeQuietly(this.fd);
      this.fd = null;
    }
    await fs.rm(this.tmp, { force: true }).catch(() => undefined);
  }
}

