/**
 * The durable book: every instruction of every accepted file, kept under `<work>/store/` so the
 * allocation (embedded or on BullMQ workers sharing the folder) reads exactly what was accepted.
 *
 *   store/files/<participant_id>/<sha256>.jsonl      one StoredInstruction (JSON) per line
 *   store/files/<participant_id>/<sha256>.meta.json  StoredFileMeta; written last: the commit marker
 *
 * A file counts only once its meta exists. Both are written to temporary names and renamed, so a
 * crash leaves either nothing or a whole file; a file processed again finds its meta and is
 * not stored twice. Temporary files left by a stopped run are removed on the next start
 * (removeStoreLeftovers).
 *
 * Tamper evidence: the meta records the SHA-256 of the JSONL bytes (`jsonl_sha256`), computed as
 * they are written. `checkStore` re-hashes every stored file and names any that no longer matches
 * (verify runs it first); readStoredInstructions refuses a file that does not match (the
 * allocation never runs on an edited book).
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Channel, StoredInstruction } from '../domain/types';
import { StorageError, systemErrorCode } from '../domain/errors';
import { writeFileAtomic } from './atomic-write';
import { ensureFolder } from './ensure-folder';

export interface StoredFileMeta {
  participant_id: string;
  channel: Channel;
  file_name: string;
  file_seq: number;
  file_sha256: string;
  records: number;
  accepted: number;
  rejected: number;
  /** SHA-256 (hex) of the `.jsonl` bytes; absent in stores written before it was recorded. */
  jsonl_sha256?: string;
}

export function storeDir(work: string): string {
  return path.join(work, 'store', 'files');
}

function filePaths(work: string, participantId: string, sha256: string) {
  const dir = path.join(storeDir(work), participantId);
  return { dir, jsonl: path.join(dir, `${sha256}.jsonl`), meta: path.join(dir, `${sha256}.meta.json`) };
}

export interface StoredFileWriter {
  write(instruction: StoredInstruction): Promise<void>;
  /** Renames the instructions into place, then writes the meta (the commit marker) with the JSONL's SHA-256. Returns the meta written. */
  commit(meta: Omit<StoredFileMeta, 'jsonl_sha256'>): Promise<StoredFileMeta>;
  /** Discards what was written (the file was rejected whole). */
  abort(): Promise<void>;
}

const STORE_CHUNK_CHARS = 256 * 1024;
const RESOLVED = Promise.resolve();

/** Streams one file's instructions to a temporary JSONL; nothing counts until commit. */
export async function openStoredFileWriter(work: string, participantId: string, sha256: string): Promise<StoredFileWriter> {
  const p = filePaths(work, participantId, sha256);
  await ensureFolder(p.dir);
  const tmp = `${p.jsonl}.${process.pid}.${Date.now()}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  const hash = createHash('sha256');
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  // One error listener for the stream's life (a listener per write would leak).
  let failed: Error | null = null;
  out.on('error', (e) => {
    failed = e;
  });
  const write = (chunk: string): Promise<void> => {
    if (failed) return Promise.reject(StorageError.wrap('write', tmp, failed));
    hash.update(chunk, 'utf8');
    if (out.write(chunk)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      out.once('drain', resolve);
      closed.catch((e: unknown) => reject(StorageError.wrap('write', tmp, e)));
    });
  };
  // Lines are gathered into chunks of about 256 KiB: one stream write (and at most one wait for
  // 'drain') per chunk instead of per instruction.
  let pending = '';
  const flush = (): Promise<void> => {
    if (pending === '') return Promise.resolve();
    const chunk = pending;
    pending = '';
    return write(chunk);
  };
  return {
    write(instruction) {
      pending += JSON.stringify(instruction) + '\n';
      return pending.length >= STORE_CHUNK_CHARS ? flush() : RESOLVED;
    },
    async commit(base) {
      await flush();
      out.end();
      try {
        await closed;
        await fs.rename(tmp, p.jsonl);
      } catch (e) {
        throw StorageError.wrap('write', p.jsonl, e);
      }
      const meta: StoredFileMeta = { ...base, jsonl_sha256: hash.digest('hex') };
      await writeFileAtomic(p.meta, JSON.stringify(meta, null, 2) + '\n');
      return meta;
    },
    async abort() {
      pending = '';
      out.end();
      await closed.catch(() => undefined);
      await fs.rm(tmp, { force: true });
    },
  };
}

/** The metas of all committed files, sorted by participant_id then file_seq (a stable order). */
export async function listStoredFiles(work: string): Promise<StoredFileMeta[]> {
  const root = storeDir(work);
  let participants: string[];
  try {
    participants = await fs.readdir(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw StorageError.wrap('read', root, e);
  }
  const metas: StoredFileMeta[] = [];
  for (const participant of participants.sort()) {
    const dir = path.join(root, participant);
    const names = await fs.readdir(dir).catch((e: unknown) => { throw StorageError.wrap('read', dir, e); });
    for (const name of names.filter((n) => n.endsWith('.meta.json')).sort()) {
      const file = path.join(dir, name);
      const text = await fs.readFile(file, 'utf8').catch((e: unknown) => { throw StorageError.wrap('read', file, e); });
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
    throw new StorageError(`cannot read ${dir}: ${(e as Error).message}`);
  }
  const metas: StoredFileMeta[] = [];
  for (const name of names.filter((n) => n.endsWith('.meta.json') && !known(n.slice(0, -'.meta.json'.length))).sort()) {
    metas.push(JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as StoredFileMeta);
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
    for (const si of parseJsonLines(bytes.toString('utf8'), p.jsonl)) all.push(si);
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
export async function* streamStoredFile(work: string, participantId: string, sha256: string): AsyncGenerator<StoredInstruction> {
  for await (const batch of streamStoredFileBatches(work, participantId, sha256)) yield* batch;
}

/** The same, a chunk's worth of instructions at a time (one await per chunk, not per line). */
export async function* streamStoredFileBatches(work: string, participantId: string, sha256: string): AsyncGenerator<StoredInstruction[]> {
  // Our own JSONL: LF line ends, JSON strings never contain a raw LF.
  // Split on the LF byte before decoding (it never occurs inside a multi-byte character).
  const file = filePaths(work, participantId, sha256).jsonl;
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
    const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const end = bytes.lastIndexOf(0x0a);
    if (end < 0) {
      carry = bytes;
      continue;
    }
    carry = bytes.subarray(end + 1);
    yield parseJsonLines(bytes.toString('utf8', 0, end), file);
  }
  if (carry.length > 0) yield parseJsonLines(carry.toString('utf8'), file);
}

function parseJsonLines(text: string, file: string): StoredInstruction[] {
  const out: StoredInstruction[] = [];
  try {
    for (const line of text.split('\n')) if (line) out.push(JSON.parse(line) as StoredInstruction);
  } catch {
    throw new StorageError(`the store was changed after ingest: ${file} holds a line that is not valid JSON`);
  }
  return out;
}
