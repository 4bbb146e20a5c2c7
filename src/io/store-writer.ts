/**
 * Writing one accepted file into the store (io/store.ts has the layout and the readers):
 *
 *   1. its instructions go to a temporary lines file (format 2, io/stored-row.ts), hashed as
 *      written;                                                     StoredLinesWriter.write
 *   2. once the last line is written (its hash known), the meta    StoredLinesWriter.finish
 *      (the commit marker, with the lines' SHA-256 and
 *      `store_format`) is written beside them under a temporary
 *      name (created with the lines)
 *   3. both fsynced at once and closed: durable before anything     StoredLinesWriter.finish
 *      can commit them
 *   4. the lines renamed to `<sha256>.jsonl`, then the meta to       commitStoredFile
 *      `<sha256>.meta.json`. The file counts from the meta's rename on.
 *
 * Steps 1-3 may run in a worker thread (the parallel ingest); step 4, two renames, runs where the
 * book's order is kept (the main thread), so a commit waits for no fsync: the commits are the
 * ingest's one chain that must run one file after another. A power cut can never leave a marker
 * committing lines that are not on the disk: both files' bytes are fsynced before either rename.
 * (The renames' own durability rests on the journal of the file system: ext4 and XFS commit
 * metadata changes in order, so a meta's rename never survives without the lines' rename before
 * it, nor an acknowledgement's rename without the commit before it. A power cut may undo the last
 * commits whole; their claims are still there, and the next run judges those files again.)
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
  /** The meta, fsynced under a temporary name, and its text (null: written at the commit). */
  meta_tmp: string | null;
  meta_text: string | null;
}

/** The meta's text as committed. */
function metaText(meta: StoredFileMeta): string {
  return JSON.stringify(meta, null, 2) + '\n';
}

/** The meta that commits `base` with lines of this hash. */
function metaOf(base: StoredFileMetaBase, jsonl_sha256: string): StoredFileMeta {
  return { ...base, jsonl_sha256, store_format: STORE_FORMAT };
}

/** What the caller knows of the file when it commits (the writer adds the hash and the format). */
export type StoredFileMetaBase = Omit<StoredFileMeta, 'jsonl_sha256' | 'store_format'>;

/** Test hook: the durable steps of the store, in the order they happen (fsync-order tests). */
export type StoreOperation = { op: 'lines-synced' | 'meta-synced' | 'lines-renamed' | 'meta-written'; file: string };
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
    private readonly metaOut: TempTextFile,
  ) {}

  static open(work: string, participantId: string, sha256: string): StoredLinesWriter {
    const p = storedFilePaths(work, participantId, sha256);
    return new StoredLinesWriter(participantId, sha256, TempTextFile.create(p.jsonl, true, true), TempTextFile.create(p.meta, false, true));
  }

  write(si: StoredInstruction): void {
    if (this.constants === null) this.constants = constantsOf(si);
    else if (!this.mixed && !sameConstants(this.constants, si)) this.mixed = true;
    this.out.write(encodeStoredRow(si));
  }

  /**
   * fsync and close: the lines, and the meta committing them as `base`, are durable (under their
   * temporary names) when this resolves.
   */
  async finish(base: StoredFileMetaBase): Promise<PreparedStoredFile> {
    let jsonl_sha256: string;
    let meta_text: string;
    try {
      // Every line written, so their hash is known: the meta naming it is written now, and both
      // files are fsynced at once (both durable before either is renamed into place, the order
      // that matters: commitStoredFile).
      jsonl_sha256 = await this.out.written();
      meta_text = metaText(metaOf(base, jsonl_sha256));
      this.metaOut.write(meta_text);
      await Promise.all([this.out.finish().then(() => emit('lines-synced', this.out.tmp)), this.metaOut.finish()]);
    } catch (e) {
      await Promise.all([this.out.abort(), this.metaOut.abort()]);
      throw e;
    }
    emit('meta-synced', this.metaOut.tmp);
    return { participant_id: this.participantId, file_sha256: this.sha256, tmp: this.out.tmp, jsonl_sha256, meta_tmp: this.metaOut.tmp, meta_text };
  }

  /** The constants every line shared, or null when no line was written; throws when lines of several files were mixed. */
  sharedConstants(): StoredFileConstants | null {
    if (this.mixed) throw new InvariantError(`store: instructions of several files written to the stored file ${this.participantId}/${this.sha256}`);
    return this.constants;
  }

  async abort(): Promise<void> {
    await Promise.all([this.out.abort(), this.metaOut.abort()]);
  }
}

/**
 * Renames the durable lines into place, then the meta (the commit marker) prepared with them; a
 * meta prepared for another base (never, from the judge) is discarded and written here
 * atomically instead. Returns the meta committed.
 */
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
  const meta = metaOf(base, prepared.jsonl_sha256);
  const text = metaText(meta);
  if (prepared.meta_tmp !== null && prepared.meta_text === text) {
    try {
      renameSync(prepared.meta_tmp, p.meta);
    } catch (e) {
      throw StorageError.wrap('write', p.meta, e);
    }
  } else {
    if (prepared.meta_tmp !== null) await fs.rm(prepared.meta_tmp, { force: true }).catch(() => undefined);
    await writeSmallFileAtomic(p.meta, text);
  }
  emit('meta-written', p.meta);
  return meta;
}

/** Removes prepared lines (and their meta) that will not be committed (the file was rejected or closed out). */
export async function discardStoredFile(prepared: PreparedStoredFile): Promise<void> {
  await Promise.all([prepared.tmp, ...(prepared.meta_tmp !== null ? [prepared.meta_tmp] : [])].map((f) => fs.rm(f, { force: true }).catch(() => undefined)));
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
      return commitStoredFile(work, await lines.finish(base), base);
    },
    abort() {
      return lines.abort();
    },
  };
}
