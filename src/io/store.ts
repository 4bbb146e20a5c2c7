/**
 * The durable book: every instruction of every accepted file, kept under `<work>/store/` so the
 * allocation (embedded or on BullMQ workers sharing the folder) reads exactly what was accepted.
 *
 *   store/files/<participant_id>/<sha256>.jsonl      the instructions, one a line (io/stored-row.ts:
 *                                                    format 2 since issue 9, format 1 still read)
 *   store/files/<participant_id>/<sha256>.meta.json  StoredFileMeta; written last: the commit marker
 *
 * A file counts only once its meta exists. The lines are written to a temporary name, fsynced,
 * renamed, and only then is the meta written (atomically): a crash or a power cut leaves either
 * nothing or a whole, durable file (io/store-writer.ts); a file processed again finds its meta
 * and is not stored twice. Temporary files left by a stopped run are removed on the next start
 * (removeStoreLeftovers).
 *
 * Tamper evidence: the meta records the SHA-256 of the lines' bytes (`jsonl_sha256`), computed as
 * they are written. `checkStore` re-hashes every stored file and names any that no longer matches
 * (verify runs it first); readStoredInstructions refuses a file that does not match (the
 * allocation never runs on an edited book).
 */
import { createReadStream, promises as fs, readdirSync, readFileSync } from 'node:fs';
import { createHash, Hash } from 'node:crypto';
import * as path from 'node:path';
import type { StoredInstruction } from '../domain/types';
import { StorageError, systemErrorCode } from '../domain/errors';
import { decodeStoredLines, parseJsonLines, refOfStoredRow, storedLines } from './stored-row';
import { storeDir, storedFilePaths, StoredFileMeta } from './store-layout';

export { storeDir } from './store-layout';
export type { StoredFileMeta } from './store-layout';
export { openStoredFileWriter } from './store-writer';
export type { StoredFileWriter } from './store-writer';

const filePaths = storedFilePaths;

/** The format of a committed file's lines (1 when the meta predates formats). */
export function storeFormatOf(meta: StoredFileMeta): number {
  return meta.store_format ?? 1;
}

/**
 * The metas of all committed files, sorted by participant_id then file_seq (a stable order).
 * Read synchronously: a meta is a few hundred bytes, and the thread pool's four hand-offs a file
 * (open, stat, read, close) took 2-4 s for the 7,774 files of a five-million book, three times
 * an allocation; read directly they take a tenth of that.
 */
export async function listStoredFiles(work: string): Promise<StoredFileMeta[]> {
  const root = storeDir(work);
  let participants: string[];
  try {
    participants = readdirSync(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw StorageError.wrap('read', root, e);
  }
  const metas: StoredFileMeta[] = [];
  for (const participant of participants.sort()) {
    const dir = path.join(root, participant);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      throw StorageError.wrap('read', dir, e);
    }
    for (const name of names.filter((n) => n.endsWith('.meta.json')).sort()) {
      const file = path.join(dir, name);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw StorageError.wrap('read', file, e);
      }
      try {
        metas.push(JSON.parse(text) as StoredFileMeta);
      } catch {
        throw new StorageError(`the store was changed after ingest: ${file} is not valid JSON`);
      }
    }
  }
  return metas.sort((a, b) => (a.participant_id < b.participant_id ? -1 : a.participant_id > b.participant_id ? 1 : a.file_seq - b.file_seq));
}

/**
 * The metas of one participant's committed files (any order), but those whose SHA-256 is `known`
 * (not read): what a worker reads to bring its view of that participant's book up to date
 * before judging the participant's next file.
 */
export async function listStoredFilesOf(work: string, participantId: string, known: (sha256: string) => boolean = () => false): Promise<StoredFileMeta[]> {
  const dir = path.join(storeDir(work), participantId);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw StorageError.wrap('read', dir, e);
  }
  const metas: StoredFileMeta[] = [];
  for (const name of names.filter((n) => n.endsWith('.meta.json') && !known(n.slice(0, -'.meta.json'.length))).sort()) {
    const file = path.join(dir, name);
    const text = await fs.readFile(file, 'utf8').catch((e: unknown) => { throw StorageError.wrap('read', file, e); });
    try {
      metas.push(JSON.parse(text) as StoredFileMeta);
    } catch {
      throw new StorageError(`the store was changed after ingest: ${file} is not valid JSON`);
    }
  }
  return metas;
}

/** Every stored instruction of every committed file, in (participant_id, file_seq, line) order. */
export async function readStoredInstructions(work: string): Promise<StoredInstruction[]> {
  const all: StoredInstruction[] = [];
  for (const meta of await listStoredFiles(work)) {
    const p = filePaths(work, meta.participant_id, meta.file_sha256);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(p.jsonl);
    } catch (e) {
      throw StorageError.wrap('read', p.jsonl, e);
    }
    if (meta.jsonl_sha256 !== undefined && createHash('sha256').update(bytes).digest('hex') !== meta.jsonl_sha256) {
      throw new StorageError(`the store was changed after ingest: ${p.jsonl} no longer has the SHA-256 recorded in its meta (run verify)`);
    }
    for (const si of decodeStoredLines(storedLines(bytes), storeFormatOf(meta), meta, p.jsonl)) all.push(si);
  }
  return all;
}

export interface StoreProblem {
  /** The store file at fault, relative to the work folder (`store/files/BRK001/<sha256>.jsonl`). */
  file: string;
  problem: 'CHANGED' | 'MISSING' | 'NO_HASH_RECORDED';
}

/**
 * Re-hashes every stored file against the SHA-256 in its meta. Empty when the store is as ingest
 * wrote it. A meta without a recorded hash (a store written before it was kept) is reported as
 * NO_HASH_RECORDED: it cannot be checked.
 */
export async function checkStore(work: string): Promise<StoreProblem[]> {
  const problems: StoreProblem[] = [];
  for (const meta of await listStoredFiles(work)) {
    const p = filePaths(work, meta.participant_id, meta.file_sha256);
    const file = path.relative(work, p.jsonl).split(path.sep).join('/');
    if (meta.jsonl_sha256 === undefined) {
      problems.push({ file, problem: 'NO_HASH_RECORDED' });
      continue;
    }
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(p.jsonl, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
    } catch (e) {
      if (systemErrorCode(e) === 'ENOENT') {
        problems.push({ file, problem: 'MISSING' });
        continue;
      }
      throw StorageError.wrap('read', p.jsonl, e);
    }
    if (hash.digest('hex') !== meta.jsonl_sha256) problems.push({ file, problem: 'CHANGED' });
  }
  return problems;
}

/** Temporary store files: `<sha256>.jsonl.<pid>.<ms>.tmp` and writeFileAtomic's `.<name>.<12 hex>.tmp`. */
const STORE_TEMP = /^(?:[0-9a-f]{64}\.jsonl\.\d+\.\d+\.tmp|\..+\.[0-9a-f]{12}\.tmp)$/;

/** On start: removes the temporary files a stopped run left in the store. Returns how many. */
export async function removeStoreLeftovers(work: string): Promise<number> {
  const root = storeDir(work);
  let removed = 0;
  for (const participant of await fs.readdir(root).catch(() => [] as string[])) {
    for (const name of await fs.readdir(path.join(root, participant)).catch(() => [] as string[])) {
      if (!STORE_TEMP.test(name)) continue;
      const file = path.join(root, participant, name);
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

/** The meta of one committed file, or null when it is not (yet) committed. */
export async function readStoredFileMeta(work: string, participantId: string, sha256: string): Promise<StoredFileMeta | null> {
  try {
    return JSON.parse(await fs.readFile(filePaths(work, participantId, sha256).meta, 'utf8')) as StoredFileMeta;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw StorageError.wrap('read the stored meta', filePaths(work, participantId, sha256).meta, e);
  }
}

/** The instructions of one committed file, streamed in line order (bounded memory). */
export async function* streamStoredFile(work: string, participantId: string, sha256: string, meta?: StoredFileMeta): AsyncGenerator<StoredInstruction> {
  for await (const batch of streamStoredFileBatches(work, participantId, sha256, meta)) yield* batch;
}

/** The meta of a committed file, or a StorageError naming the lines file without one. */
async function committedMeta(work: string, participantId: string, sha256: string): Promise<StoredFileMeta> {
  const meta = await readStoredFileMeta(work, participantId, sha256);
  if (meta === null) throw new StorageError(`cannot read ${filePaths(work, participantId, sha256).jsonl}: it is not committed (no meta)`);
  return meta;
}

/**
 * The same, a chunk's worth of instructions at a time (one await per chunk, not per line). The
 * file's meta (its format and constants) is read first unless the caller passes it.
 */
export async function* streamStoredFileBatches(work: string, participantId: string, sha256: string, meta?: StoredFileMeta): AsyncGenerator<StoredInstruction[]> {
  const m = meta ?? (await committedMeta(work, participantId, sha256));
  const format = storeFormatOf(m);
  const file = filePaths(work, participantId, sha256).jsonl;
  for await (const lines of wholeLineChunks(file)) yield decodeStoredLines(lines, format, m, file);
}

/** The instruction_refs of one committed file, in line order (loading the book's used refs). */
export async function* streamStoredRefs(work: string, meta: StoredFileMeta): AsyncGenerator<string[]> {
  const format = storeFormatOf(meta);
  const file = filePaths(work, meta.participant_id, meta.file_sha256).jsonl;
  for await (const lines of wholeLineChunks(file)) {
    const values = parseJsonLines(lines, file);
    yield format === 1 ? values.map((v) => (v as StoredInstruction).instruction_ref) : values.map((v) => refOfStoredRow(v, file));
  }
}

/**
 * The lines of a lines file (storedLines), a chunk's worth at a time. Our own JSON lines: LF line
 * ends, JSON strings never contain a raw LF; split on the LF byte before decoding (it never occurs
 * inside a multi-byte character).
 */
async function* wholeLineChunks(file: string, hash?: Hash): AsyncGenerator<string[]> {
  const input = createReadStream(file, { highWaterMark: 1024 * 1024 });
  let carry: Buffer = Buffer.alloc(0);
  const chunks = (async function* () {
    try {
      for await (const chunk of input as AsyncIterable<Buffer>) yield chunk;
    } catch (e) {
      throw StorageError.wrap('read', file, e);
    }
  })();
  for await (const chunk of chunks) {
    hash?.update(chunk);
    const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const end = bytes.lastIndexOf(0x0a);
    if (end < 0) {
      carry = bytes;
      continue;
    }
    carry = bytes.subarray(end + 1);
    yield storedLines(bytes, end);
  }
  if (carry.length > 0) yield storedLines(carry);
}

/** Files up to this size are read whole (and the next one read ahead); larger ones in chunks. */
const WHOLE_FILE_BYTES = 16 * 1024 * 1024;
/** Files read ahead of the one in use (at most READ_AHEAD x WHOLE_FILE_BYTES in memory). */
const READ_AHEAD = 4;

/**
 * The instructions of one committed file, a chunk at a time, its bytes hashed as they are read
 * and checked against the SHA-256 its meta records once the file is read through (a StorageError
 * then, as readStoredInstructions gives): the allocation's passes over a book too large to hold.
 */
export async function* streamCheckedStoredFile(work: string, meta: StoredFileMeta): AsyncGenerator<StoredInstruction[]> {
  const format = storeFormatOf(meta);
  const file = filePaths(work, meta.participant_id, meta.file_sha256).jsonl;
  for await (const lines of checkedLines(work, meta)) yield decodeStoredLines(lines, format, meta, file);
}

async function* checkedLines(work: string, meta: StoredFileMeta): AsyncGenerator<string[]> {
  const file = filePaths(work, meta.participant_id, meta.file_sha256).jsonl;
  const hash = createHash('sha256');
  for await (const lines of wholeLineChunks(file, hash)) yield lines;
  checkHash(meta, file, hash.digest('hex'));
}

function checkHash(meta: StoredFileMeta, file: string, sha256: string): void {
  if (meta.jsonl_sha256 !== undefined && sha256 !== meta.jsonl_sha256) {
    throw new StorageError(`the store was changed after ingest: ${file} no longer has the SHA-256 recorded in its meta (run verify)`);
  }
}

async function readSmallFile(file: string): Promise<Buffer | null> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > WHOLE_FILE_BYTES) return null;
      const buf = Buffer.allocUnsafe(size);
      let off = 0;
      while (off < size) {
        const { bytesRead } = await handle.read(buf, off, size - off, off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return buf.subarray(0, off);
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw StorageError.wrap('read', file, e);
  }
}

/**
 * Every committed file of `metas`, in order, as `{ index, meta, lines }` chunks of its lines in
 * the file's format (decode with decodeStoredLines, or parseJsonLines for the raw rows), each
 * file's bytes checked against its meta's SHA-256 once read through. A file of up to 16 MB is read
 * whole, up to 4 ahead of the one in use (the disk and the parsing overlap); a larger one is
 * read in chunks.
 */
export async function* streamStoreLines(work: string, metas: readonly StoredFileMeta[]): AsyncGenerator<{ index: number; meta: StoredFileMeta; lines: string[] }> {
  const pathOf = (m: StoredFileMeta) => filePaths(work, m.participant_id, m.file_sha256).jsonl;
  const ahead: Promise<Buffer | null>[] = [];
  let requested = 0;
  const request = () => {
    while (requested < metas.length && ahead.length < READ_AHEAD) {
      const p = readSmallFile(pathOf(metas[requested]!));
      // Observed when awaited; a failure of a read ahead must not be unhandled meanwhile.
      p.catch(() => undefined);
      ahead.push(p);
      requested += 1;
    }
  };
  for (let index = 0; index < metas.length; index++) {
    const meta = metas[index]!;
    request();
    const bytes = await ahead.shift()!;
    request();
    if (bytes === null) {
      for await (const lines of checkedLines(work, meta)) yield { index, meta, lines };
      continue;
    }
    checkHash(meta, pathOf(meta), createHash('sha256').update(bytes).digest('hex'));
    yield { index, meta, lines: storedLines(bytes) };
  }
}
