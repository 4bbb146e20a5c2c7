/**
 * One inbox file, read and moved only through a descriptor (issue 8, hostile input). Between the
 * scan and the read a participant may replace its file by a symbolic link (to /proc/self/environ,
 * say), a FIFO or another file; nothing of the kind is ever read:
 *
 *   - the participant folder is opened with O_DIRECTORY | O_NOFOLLOW and must be the folder the
 *     scan saw (device and inode); the file is opened through it (/proc/self/fd/N/<name> on
 *     Linux) with O_NOFOLLOW | O_NONBLOCK, so a symbolic link fails to open and a FIFO opens
 *     without waiting for a writer;
 *   - the descriptor must be a regular file with the scan's device and inode; otherwise the entry
 *     is ignored and reported (and, if it is a new file, taken by the next run);
 *   - every byte hashed or parsed is read from that descriptor (pread from offset 0);
 *   - the move to processed/ or quarantine/ links the name only while it still is that inode
 *     (checked just before), and otherwise writes a copy of the descriptor's bytes: what is kept
 *     is always exactly what was acknowledged. A target that already is this inode (a run killed
 *     between link and unlink) just has the source unlinked: no `.2` copy.
 *
 * The one window left is between the last inode check and the unlink of the source name (a few
 * microseconds): a participant replacing its file in exactly that window loses the replacement.
 */
import { constants as fsConstants, fstatSync, linkSync, lstatSync, openSync, promises as fs, read, readSync, statSync, unlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { StorageError, systemErrorCode } from '../domain/errors';
import { closeQuietly } from './descriptors';
import { folderViaDescriptor, IgnoredEntry, InboxFile, openFolder } from './inbox';
import { ensureFolderSync } from './ensure-folder';

const READ_CHUNK_BYTES = 64 * 1024;
const HASH_CHUNK_BYTES = 1024 * 1024;
/** The one-byte read that confirms the end of a file (this thread's only: reads are synchronous). */
const PROBE = Buffer.alloc(1);

export type OpenedEntry = { ok: true; entry: InboxEntry } | { ok: false; ignored: IgnoredEntry };

const ignore = (file: InboxFile, reason: string): OpenedEntry => ({ ok: false, ignored: { entry: `${file.folder}/${file.name}`, reason } });

/**
 * Opens a scanned file for reading, or says why it is ignored this time. The calls are tiny and
 * made synchronously (an open, two fstats, a close: microseconds on a local file system, where a
 * hand-off to the thread pool and back costs more, issue 9).
 */
export async function openInboxEntry(file: InboxFile): Promise<OpenedEntry> {
  const folderPath = path.dirname(file.path);
  const dir = openFolder(folderPath);
  if (dir === null) return ignore(file, 'participant folder replaced after the inbox was scanned');
  let fd: number | null = null;
  let opened: InboxEntry | null = null;
  try {
    const dst = fstatOf(dir, folderPath);
    if (dst.dev !== file.folderDev || dst.ino !== file.folderIno) return ignore(file, 'participant folder replaced after the inbox was scanned');
    const base = folderViaDescriptor(dir, folderPath);
    try {
      fd = openSync(path.join(base, file.name), fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    } catch (e) {
      const code = systemErrorCode(e);
      if (code === 'ELOOP') return ignore(file, 'symbolic link (replaced after the inbox was scanned)');
      if (code === 'ENOENT') return ignore(file, 'removed before it was read');
      if (code === 'ENXIO' || code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') return ignore(file, `cannot be opened for reading (${code})`);
      throw StorageError.wrap('open', file.path, e);
    }
    const st = fstatOf(fd, file.path);
    if (!st.isFile()) return ignore(file, 'not a regular file (replaced after the inbox was scanned)');
    if (st.dev !== file.dev || st.ino !== file.ino) return ignore(file, 'replaced after the inbox was scanned (taken on the next run)');
    opened = new InboxEntry(file, dir, fd, base, Number(st.size));
    return { ok: true, entry: opened };
  } finally {
    // On success the entry owns both descriptors (its moves go through the folder's).
    if (!opened) {
      if (fd !== null) closeQuietly(fd);
      closeQuietly(dir);
    }
  }
}

function fstatOf(fd: number, where: string) {
  try {
    return fstatSync(fd, { bigint: true });
  } catch (e) {
    throw StorageError.wrap('inspect', where, e);
  }
}

const readAt = promisify(read);

export class InboxEntry {
  constructor(
    readonly file: InboxFile,
    /** The participant folder's descriptor. */
    private readonly dir: number,
    /** The file's descriptor (read-only). */
    private readonly fd: number,
    /** The folder as reached through its descriptor. */
    private readonly base: string,
    /** Size in bytes when opened (the file may still grow). */
    readonly size: number,
  ) {}

  /**
   * The number of the open descriptor, for a worker thread of this process to read the file
   * through it (descriptorChunks) while the entry stays open. Only this descriptor is ever read.
   */
  get descriptor(): number {
    return this.fd;
  }

  private get source(): string {
    return path.join(this.base, this.file.name);
  }

  /** The bytes from offset 0 to the end (as it is when reached), in fresh chunks. */
  async *chunks(chunkBytes = READ_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
    for (let position = 0; ;) {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      let bytesRead: number;
      try {
        ({ bytesRead } = await readAt(this.fd, buffer, 0, chunkBytes, position));
      } catch (e) {
        throw StorageError.wrap('read', this.file.path, e);
      }
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  }

  /**
   * The chunks, hashed (SHA-256) as they are read: `digest()` after the last chunk gives the hash
   * of exactly the bytes that were read (a file still growing may differ from an earlier hash).
   */
  chunksHashed(): { chunks: AsyncGenerator<Uint8Array>; digest: () => string } {
    const hash = createHash('sha256');
    const source = this.chunks();
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for await (const chunk of source) {
        hash.update(chunk);
        yield chunk;
      }
    }
    return { chunks: chunks(), digest: () => hash.digest('hex') };
  }

  /** The bytes the last `sha256()` read when they were the whole file, with their hash (`takeWholeBytes`). */
  private whole: WholeBytes | null = null;

  /**
   * SHA-256 of the bytes, or null when there are more than `maxBytes` (not read beyond). A file
   * under 1 MiB is read synchronously in one read into a buffer of its own size and one byte more,
   * and a read of one byte confirms its end (the whole of a usual file, some kilobytes in the page
   * cache after its arrival, with no hand-off to the thread pool); those bytes are kept for its
   * parse (`takeWholeBytes`): the file is not read and hashed a second time (issue 9). A larger
   * file (or one that grew past its size when opened) has its first MiB read synchronously and the
   * rest through the pool, so that a file of hundreds of MiB never holds the event loop.
   */
  async sha256(maxBytes = Infinity): Promise<string | null> {
    this.whole = null;
    const hash = createHash('sha256');
    // Its own memory (not a slice of Node's shared pool): it can be handed to another thread.
    const own = Buffer.allocUnsafeSlow(Math.min(HASH_CHUNK_BYTES, this.size + 1));
    const first = this.readSyncAt(own, 0);
    if (first > maxBytes) return null;
    hash.update(own.subarray(0, first));
    let position = first;
    if (first < own.length) {
      // A short read: the end, unless the file grew just then (a read of one byte says which).
      const probe = this.readSyncAt(PROBE, first);
      if (probe === 0) {
        const digest = hash.digest('hex');
        this.whole = { bytes: own.subarray(0, first), sha256: digest };
        return digest;
      }
      position += probe;
      if (position > maxBytes) return null;
      hash.update(PROBE.subarray(0, probe));
    }
    const buffer = own.length === HASH_CHUNK_BYTES ? own : Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    for (;;) {
      let bytesRead: number;
      try {
        bytesRead = position < HASH_CHUNK_BYTES ? readSync(this.fd, buffer, 0, HASH_CHUNK_BYTES, position) : (await readAt(this.fd, buffer, 0, HASH_CHUNK_BYTES, position)).bytesRead;
      } catch (e) {
        throw StorageError.wrap('read', this.file.path, e);
      }
      if (bytesRead === 0) return hash.digest('hex');
      position += bytesRead;
      if (position > maxBytes) return null;
      hash.update(buffer.subarray(0, bytesRead));
    }
  }

  private readSyncAt(buffer: Buffer, position: number): number {
    try {
      return readSync(this.fd, buffer, 0, buffer.length, position);
    } catch (e) {
      throw StorageError.wrap('read', this.file.path, e);
    }
  }

  /**
   * The whole file's bytes as the last `sha256()` read and hashed them, if that hash is `sha256`
   * and they were read in one go; given once (a second call gives null, and so does a file read
   * in chunks): the caller parses them instead of reading the descriptor again, or hands them to
   * a judging thread (their memory is the buffer's own, so it can be transferred).
   */
  takeWholeBytes(sha256: string): Uint8Array | null {
    const w = this.whole;
    this.whole = null;
    return w !== null && w.sha256 === sha256 ? w.bytes : null;
  }

  /**
   * What a parse of the file reads: the bytes `sha256()` kept (their hash the one given), else
   * the descriptor's chunks hashed as they are read (`digest()` after the last one).
   */
  parseSource(sha256: string): { chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>; digest: () => string } {
    const bytes = this.takeWholeBytes(sha256);
    return bytes !== null ? bytesSource(bytes, sha256) : this.chunksHashed();
  }

  /** The inbox name still refers to this very file. */
  private async stillHere(): Promise<boolean> {
    return sameInode(this.source, this.file);
  }

  /**
   * Moves the file into `folder` under its name, untouched; when the name is taken by another
   * file, `.2`, `.3`, ... is appended. Returns the new path.
   */
  async moveInto(folder: string, name = this.file.name): Promise<string> {
    // The usual move (a link, an unlink, and the checks around them) is made of tiny system calls,
    // made synchronously: no hand-off to the thread pool for each (issue 9). A copy stays async.
    ensureFolderSync(folder);
    // Across file systems a name cannot be linked: the bytes are copied, and a kept file with the
    // same bytes under the name (a copy made by a run stopped before its unlink) counts as this one.
    let crossDevice: boolean;
    try {
      crossDevice = statSync(folder, { bigint: true }).dev !== this.file.dev;
    } catch (e) {
      throw StorageError.wrap('inspect', folder, e);
    }
    for (let n = 1; ; n++) {
      const target = path.join(folder, n === 1 ? name : `${name}.${n}`);
      // Linked by a run stopped between its link and its unlink: finish that move.
      if (await sameInode(target, this.file)) return this.removeSource(target);
      if (crossDevice) {
        if (await exists(target)) {
          if (await sameBytes(target, this)) return this.removeSource(target);
          continue;
        }
      } else if (await this.stillHere()) {
        try {
          // link never overwrites an existing target (rename would) and never follows a link.
          linkSync(this.source, target);
          return await this.removeSource(target);
        } catch (e) {
          const code = systemErrorCode(e);
          if (code === 'EEXIST') continue;
          // EPERM/ENOTSUP: a file system without hard links; ENOENT: the name went meanwhile.
          if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOENT') throw StorageError.wrap('link', `${this.file.path} to ${target}`, e);
        }
      }
      // The name no longer is this file (or cannot be linked there): keep a copy of its bytes.
      const placed = await this.copyTo(target);
      if (placed) return this.removeSource(placed);
    }
  }

  /** Unlinks the inbox name, if it still is this file. */
  private async removeSource(placed: string): Promise<string> {
    if (await this.stillHere()) {
      try {
        unlinkSync(this.source);
      } catch (e) {
        if (systemErrorCode(e) !== 'ENOENT') throw StorageError.wrap('remove', this.file.path, e);
      }
    }
    return placed;
  }

  /** Writes the descriptor's bytes to `target` (never overwriting); null when the name is taken by other bytes. */
  private async copyTo(target: string): Promise<string | null> {
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    let out: fs.FileHandle | null = null;
    try {
      out = await fs.open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o644);
      for await (const chunk of this.chunks(HASH_CHUNK_BYTES)) await out.write(chunk);
      await out.sync();
      await out.close();
      out = null;
      try {
        await fs.link(tmp, target);
        return target;
      } catch (e) {
        if (systemErrorCode(e) !== 'EEXIST') throw e;
        // A copy made by a run stopped before it removed the source holds the same bytes.
        return (await sameBytes(target, this)) ? target : null;
      }
    } catch (e) {
      throw StorageError.wrap('copy', `${this.file.path} to ${target}`, e);
    } finally {
      if (out) await out.close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  private closed = false;

  /** Closes both descriptors, once (a number closed twice could close a descriptor opened since). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    closeQuietly(this.fd);
    closeQuietly(this.dir);
  }
}

/** The whole file's bytes read and hashed once (InboxEntry.sha256). */
interface WholeBytes {
  bytes: Uint8Array;
  sha256: string;
}

/** Bytes already read and hashed (their hash known) as what a parse reads. */
export function bytesSource(bytes: Uint8Array, sha256: string): { chunks: Iterable<Uint8Array>; digest: () => string } {
  return { chunks: [bytes], digest: () => sha256 };
}

/**
 * The bytes behind a descriptor from offset 0 to the end (as it is when reached), read
 * synchronously in fresh chunks and hashed (SHA-256) as they are read: what a worker thread of the
 * parallel ingest parses (the same bytes InboxEntry.chunksHashed gives on the main thread).
 */
export function descriptorChunks(fd: number, where: string, chunkBytes = READ_CHUNK_BYTES): { chunks: Iterable<Uint8Array>; digest: () => string } {
  const hash = createHash('sha256');
  function* chunks(): Generator<Uint8Array> {
    for (let position = 0; ;) {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      let bytesRead: number;
      try {
        bytesRead = readSync(fd, buffer, 0, chunkBytes, position);
      } catch (e) {
        throw StorageError.wrap('read', where, e);
      }
      if (bytesRead === 0) return;
      position += bytesRead;
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      yield chunk;
    }
  }
  return { chunks: chunks(), digest: () => hash.digest('hex') };
}

async function sameInode(p: string, file: { dev: bigint; ino: bigint }): Promise<boolean> {
  try {
    const st = lstatSync(p, { bigint: true });
    return st.dev === file.dev && st.ino === file.ino;
  } catch (e) {
    const code = systemErrorCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw StorageError.wrap('inspect', p, e);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    lstatSync(p);
    return true;
  } catch (e) {
    if (systemErrorCode(e) === 'ENOENT') return false;
    throw StorageError.wrap('inspect', p, e);
  }
}

async function sameBytes(target: string, entry: InboxEntry): Promise<boolean> {
  const st = await fs.lstat(target);
  if (!st.isFile() || st.size !== entry.size) return false;
  const hash = createHash('sha256');
  const handle = await fs.open(target, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  try {
    const buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    for (let position = 0; ;) {
      const { bytesRead } = await handle.read(buffer, 0, HASH_CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex') === (await entry.sha256());
}
