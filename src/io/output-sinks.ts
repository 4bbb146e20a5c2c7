/**
 * Where the allocation's streamed output files go (issue 9: no file is ever one string):
 *
 *   FileSinks  the allocation folder, written as writeOutputFolder (outputs.ts) writes it: the
 *              previous manifest removed first (no manifest = a run in progress), every file
 *              streamed to a temporary name and fsynced, then each renamed into place in the given
 *              order, manifest.json last;
 *   HashSinks  nothing written: each file's SHA-256 and size only (`verify`, which writes nothing).
 */
import { createHash, Hash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StorageError } from '../domain/errors';
import { StreamedFile } from './streamed-file';

export interface OutputSink {
  /** Appends text; a promise when the caller should wait before writing more. */
  write(text: string): Promise<void> | undefined;
  /** Appends the bytes of a file (a part rendered by another thread), streamed. */
  append(file: string): Promise<void>;
  /** Flushes (and fsyncs) and tells the file's SHA-256 and size. */
  finish(): Promise<{ sha256: string; bytes: number }>;
}

export interface OutputSinks {
  open(name: string): Promise<OutputSink>;
  /** Where parts rendered by another thread may be written (the output folder), or null: a temporary folder. */
  readonly partsDir: string | null;
  /** Puts every finished file in place, in this order (the manifest last). */
  commit(names: readonly string[]): Promise<void>;
  /** Removes what was written (nothing of it stays). */
  abort(): Promise<void>;
}

class FileSink implements OutputSink {
  constructor(readonly file: StreamedFile) {}
  write(text: string): Promise<void> | undefined {
    return this.file.write(text);
  }
  append(file: string): Promise<void> {
    return this.file.append(file);
  }
  async finish(): Promise<{ sha256: string; bytes: number }> {
    const sha256 = await this.file.close();
    return { sha256, bytes: this.file.bytes };
  }
}

const LEFTOVER = /^\..+\.[0-9a-f]{12}\.tmp$/;

export class FileSinks implements OutputSinks {
  private readonly files = new Map<string, StreamedFile>();
  private constructor(private readonly dir: string) {}

  get partsDir(): string {
    return this.dir;
  }

  /** Prepares `dir`: created if needed, its manifest (named `manifestName`) and temporary leftovers removed. */
  static async prepare(dir: string, manifestName: string): Promise<FileSinks> {
    try {
      await fs.mkdir(dir, { recursive: true });
      await fs.rm(path.join(dir, manifestName), { force: true });
      for (const name of await fs.readdir(dir)) if (LEFTOVER.test(name)) await fs.rm(path.join(dir, name), { force: true });
    } catch (e) {
      throw new StorageError(`cannot write ${dir}: ${(e as Error).message}`);
    }
    return new FileSinks(dir);
  }

  async open(name: string): Promise<OutputSink> {
    const file = await StreamedFile.open(this.dir, name);
    this.files.set(name, file);
    return new FileSink(file);
  }

  async commit(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const file = this.files.get(name);
      if (!file) throw new StorageError(`cannot write ${path.join(this.dir, name)}: it was never written`);
      try {
        await fs.rename(file.tmp, file.target);
      } catch (e) {
        throw new StorageError(`cannot write ${file.target}: ${(e as Error).message}`);
      }
    }
  }

  async abort(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.abort()));
  }
}

class HashSink implements OutputSink {
  private readonly hash: Hash = createHash('sha256');
  private buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private bytes = 0;
  write(text: string): undefined {
    // Encoded into a buffer as it comes (a string gathered by += would be a rope, costly to flatten).
    if (text.length * 3 > this.buf.length - this.used) {
      this.flush();
      if (text.length * 3 > this.buf.length) {
        const b = Buffer.from(text, 'utf8');
        this.hash.update(b);
        this.bytes += b.length;
        return undefined;
      }
    }
    this.used += this.buf.write(text, this.used, 'utf8');
    return undefined;
  }
  async append(file: string): Promise<void> {
    this.flush();
    try {
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
        this.hash.update(chunk as Buffer);
        this.bytes += (chunk as Buffer).length;
      }
    } catch (e) {
      throw new StorageError(`cannot read ${file}: ${(e as Error).message}`);
    }
  }
  private flush(): void {
    this.hash.update(this.buf.subarray(0, this.used));
    this.bytes += this.used;
    this.used = 0;
  }
  finish(): Promise<{ sha256: string; bytes: number }> {
    this.flush();
    return Promise.resolve({ sha256: this.hash.digest('hex'), bytes: this.bytes });
  }
}

export class HashSinks implements OutputSinks {
  readonly partsDir = null;
  open(): Promise<OutputSink> {
    return Promise.resolve(new HashSink());
  }
  commit(): Promise<void> {
    return Promise.resolve();
  }
  abort(): Promise<void> {
    return Promise.resolve();
  }
}
