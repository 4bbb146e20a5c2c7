/**
 * A text file written under a temporary name, to be renamed into place by its owner: appends are
 * gathered into chunks of about 256 KiB and written synchronously (one system call a chunk, no
 * promise a line: the ingest of a file writes its store lines and its acknowledgement this way,
 * on the main thread or in a worker thread), optionally hashed (SHA-256) exactly as written.
 * `finish()` writes the rest, fsyncs (asynchronously, so the thread goes on with other work while
 * the disk catches up) and closes: after it the bytes are durable under the temporary name.
 *
 * The temporary name is `.<final name>.<12 hex>.tmp` in the final folder (the owners remove such
 * leftovers of a stopped run on their next start). Every fault is a StorageError naming the final
 * path and the operation.
 */
import { closeSync, constants as fsConstants, fsync, openSync, promises as fs, writeSync } from 'node:fs';
import { createHash, Hash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { StorageError } from '../domain/errors';
import { ensureFolderSync } from './ensure-folder';

const CHUNK_CHARS = 256 * 1024;

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

function fsyncDescriptor(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
}

export class TempTextFile {
  private pending = '';
  private fd: number | null;
  private readonly hash: Hash | null;

  private constructor(
    readonly tmp: string,
    /** The path it will be renamed to (named in errors). */
    readonly target: string,
    fd: number,
    hashed: boolean,
  ) {
    this.fd = fd;
    this.hash = hashed ? createHash('sha256') : null;
  }

  /**
   * Creates the temporary file (never an existing one) in the target's folder. The folder must
   * exist, or with `createFolder` is created when the first attempt finds it missing (one system
   * call a file in the usual case, where the folder is already there, instead of a mkdir each time).
   */
  static create(target: string, hashed: boolean, createFolder = false): TempTextFile {
    const tmp = temporaryNameFor(target);
    const open = () => openSync(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o644);
    let fd: number;
    try {
      fd = open();
    } catch (e) {
      if (!createFolder) throw StorageError.wrap('create', tmp, e);
      // The folder missing or not a folder: ensureFolderSync names it; else the same fault again.
      ensureFolderSync(path.dirname(target));
      try {
        fd = open();
      } catch (e2) {
        throw StorageError.wrap('create', tmp, e2);
      }
    }
    return new TempTextFile(tmp, target, fd, hashed);
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    if (this.pending === '' || this.fd === null) return;
    // Encoded once, for the hash and the write alike.
    const chunk = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.hash?.update(chunk);
    try {
      for (let at = 0; at < chunk.length; ) at += writeSync(this.fd, chunk, at, chunk.length - at);
    } catch (e) {
      throw StorageError.wrap('write', this.target, e);
    }
  }

  /** Writes the rest, fsyncs and closes. Returns the SHA-256 (hex) of the bytes when hashed, else ''. */
  async finish(): Promise<string> {
    if (this.fd === null) throw new StorageError(`cannot write ${this.target} (already closed)`);
    const fd = this.fd;
    try {
      this.flush();
      await fsyncDescriptor(fd);
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
    return this.hash ? this.hash.digest('hex') : '';
  }

  /** Closes (if open) and removes the temporary file. */
  async abort(): Promise<void> {
    this.pending = '';
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Already unusable: the file is removed below all the same.
      }
      this.fd = null;
    }
    await fs.rm(this.tmp, { force: true }).catch(() => undefined);
  }
}
