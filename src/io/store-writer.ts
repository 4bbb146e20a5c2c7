/**
 * Writing one accepted file into the store (io/store.ts has the layout and the readers):
 *
 *   1. its instructions go to a temporary lines file (format 2, io/stored-row.ts), hashed as
 *      written;                                                     StoredLinesWriter.write
 *   2. the lines are fsynced and closed: durable before anything    StoredLinesWriter.finish
 *      can commit them
 *   3. renamed to `<sha256>.jsonl`, then the meta (the commit        commitStoredFile
 *      marker, with the lines' SHA-256 and `store_format`) is written atomically (temporary name,
 *      fsync, rename). The file counts from the meta's rename on.
 *
 * Steps 1-2 may run in a worker thread (the parallel ingest); step 3 runs where the book's order
 * is kept (the main thread). A power cut can therefore never leave a marker committing lines
 * that are not on the disk. (The renames' own durability rests on the journal of the file system:
 * ext4 and XFS commit metadata changes in order, so the meta's fsync carries every earlier rename.)
 */
import { promises as fs, renameSync } from 'node:fs';
import type { StoredInstruction } from '../domain/types';
import { InvariantError, StorageError } from '../domain/errors';
import { writeSmallFileAtomic } from './atomic-write';
import { TempTextFile } from './temp-file';
import { constantsOf, encodeStoredRow, sameConstants, STORE_FORMAT, StoredFileConstants } from './stored-row';
import { storedFilePaths, StoredFileMeta } from './store-layout';

/** The lines of a file, durable under their temporary name, waiting for their commit. Plain data (crosses threads). */
export interface PreparedStoredFile {
  participant_id: string;
  file_sha256: string;
  tmp: string;
  jsonl_sha256: string;
}

/** What the caller knows of the file when it commits (the writer adds the hash and the format). */
export type StoredFileMetaBase = Omit<StoredFileMeta, 'jsonl_sha256' | 'store_format'>;

/** Test hook: the durable steps of the store, in the order they happen (fsync-order tests). */
export type StoreOperation = { op: 'lines-synced' | 'lines-renamed' | 'meta-written'; file: string };
const observers = new Set<(op: StoreOperation) => void>();
/** Calls `listener` at every durable step of the store in this thread; returns the unsubscribe. */
export function observeStoreOperations(listener: (op: StoreOperation) => void): () => void {
  observers.add(listener);
  return () => observers.delete(listener);
}
const emit = (op: StoreOperation['op'], file: string) => {
  for (const o of observers) o({ op, file });
};

/** Streams one file's instructions to a temporary lines file; nothing counts until commitStoredFile. */
export class StoredLinesWriter {
  private constants: StoredFileConstants | null = null;
  private mixed = false;

  private constructor(
    private readonly participantId: string,
    private readonly sha256: string,
    private readonly out: TempTextFile,
  ) {}

  static open(work: string, participantId: string, sha256: string): StoredLinesWriter {
    const p = storedFilePaths(work, participantId, sha256);
    return new StoredLinesWriter(participantId, sha256, TempTextFile.create(p.jsonl, true, true));
  }

  write(si: StoredInstruction): void {
    if (this.constants === null) this.constants = constantsOf(si);
    else if (!this.mixed && !sameConstants(this.constants, si)) this.mixed = true;
    this.out.write(encodeStoredRow(si));
  }

  /** fsync and close: the lines are durable (under their temporary name) when this resolves. */
  async finish(): Promise<PreparedStoredFile> {
    const jsonl_sha256 = await this.out.finish();
    emit('lines-synced', this.out.tmp);
    return { participant_id: this.participantId, file_sha256: this.sha256, tmp: this.out.tmp, jsonl_sha256 };
  }

  /** The constants every line shared, or null when no line was written; throws when lines of several files were mixed. */
  sharedConstants(): StoredFileConstants | null {
    if (this.mixed) throw new InvariantError(`store: instructions of several files written to the stored file ${this.participantId}/${this.sha256}`);
    return this.constants;
  }

  abort(): Promise<void> {
    return this.out.abort();
  }
}

/** Renames the durable lines into place, then writes the meta (the commit marker). Returns the meta written. */
export async function commitStoredFile(work: string, prepared: PreparedStoredFile, base: StoredFileMetaBase): Promise<StoredFileMeta> {
  if (base.participant_id !== prepared.participant_id || base.file_sha256 !== prepared.file_sha256) {
    throw new InvariantError(`store: the meta of ${base.participant_id}/${base.file_sha256} cannot commit the lines of ${prepared.participant_id}/${prepared.file_sha256}`);
  }
  const p = storedFilePaths(work, prepared.participant_id, prepared.file_sha256);
  try {
    renameSync(prepared.tmp, p.jsonl);
  } catch (e) {
    throw StorageError.wrap('write', p.jsonl, e);
  }
  emit('lines-renamed', p.jsonl);
  const meta: StoredFileMeta = { ...base, jsonl_sha256: prepared.jsonl_sha256, store_format: STORE_FORMAT };
  await writeSmallFileAtomic(p.meta, JSON.stringify(meta, null, 2) + '\n');
  emit('meta-written', p.meta);
  return meta;
}

/** Removes prepared lines that will not be committed (the file was rejected or closed out). */
export async function discardStoredFile(prepared: PreparedStoredFile): Promise<void> {
  await fs.rm(prepared.tmp, { force: true }).catch(() => undefined);
}

/** The writer of one file as the allocation tests and older callers use it: write, then commit or abort. */
export interface StoredFileWriter {
  write(instruction: StoredInstruction): Promise<void>;
  /** fsyncs the lines, renames them into place, then writes the meta (the commit marker). Returns the meta written. */
  commit(meta: StoredFileMetaBase): Promise<StoredFileMeta>;
  /** Discards what was written (the file was rejected whole). */
  abort(): Promise<void>;
}

const RESOLVED = Promise.resolve();

export async function openStoredFileWriter(work: string, participantId: string, sha256: string): Promise<StoredFileWriter> {
  const lines = StoredLinesWriter.open(work, participantId, sha256);
  return {
    write(instruction) {
      lines.write(instruction);
      return RESOLVED;
    },
    async commit(base) {
      const shared = lines.sharedConstants();
      if (shared && !sameConstants(shared, { participant_id: base.participant_id, channel: base.channel, file_seq: base.file_seq, file_sha256: base.file_sha256, file_name: base.file_name })) {
        await lines.abort();
        throw new InvariantError(`store: the instructions written do not belong to the file ${base.participant_id}/${base.file_sha256} (${base.file_name})`);
      }
      return commitStoredFile(work, await lines.finish(), base);
    },
    abort() {
      return lines.abort();
    },
  };
}
