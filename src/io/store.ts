/**
 * The durable book: every instruction of every accepted file, kept under `<work>/store/` so the
 * allocation (embedded or on BullMQ workers sharing the folder) reads exactly what was accepted.
 *
 *   store/files/<participant_id>/<sha256>.jsonl      one StoredInstruction (JSON) per line
 *   store/files/<participant_id>/<sha256>.meta.json  StoredFileMeta; written last: the commit marker
 *
 * A file counts only once its meta exists. Both are written to temporary names and renamed, so a
 * crash leaves either nothing or a whole file; a file processed again finds its meta and is
 * not stored twice.
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Channel, StoredInstruction } from '../domain/types';
import { StorageError } from '../domain/errors';
import { writeFileAtomic } from './atomic-write';

export interface StoredFileMeta {
  participant_id: string;
  channel: Channel;
  file_name: string;
  file_seq: number;
  file_sha256: string;
  records: number;
  accepted: number;
  rejected: number;
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
  /** Renames the instructions into place, then writes the meta (the commit marker). */
  commit(meta: StoredFileMeta): Promise<void>;
  /** Discards what was written (the file was rejected whole). */
  abort(): Promise<void>;
}

const STORE_CHUNK_CHARS = 256 * 1024;
const RESOLVED = Promise.resolve();

/** Streams one file's instructions to a temporary JSONL; nothing counts until commit. */
export async function openStoredFileWriter(work: string, participantId: string, sha256: string): Promise<StoredFileWriter> {
  const p = filePaths(work, participantId, sha256);
  await fs.mkdir(p.dir, { recursive: true });
  const tmp = `${p.jsonl}.${process.pid}.${Date.now()}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
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
    if (failed) return Promise.reject(new StorageError(`cannot write ${tmp}: ${(failed as Error).message}`));
    if (out.write(chunk)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      out.once('drain', resolve);
      closed.catch(reject);
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
    async commit(meta) {
      await flush();
      out.end();
      await closed;
      await fs.rename(tmp, p.jsonl);
      await writeFileAtomic(p.meta, JSON.stringify(meta, null, 2) + '\n');
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
    throw new StorageError(`cannot read ${root}: ${(e as Error).message}`);
  }
  const metas: StoredFileMeta[] = [];
  for (const participant of participants.sort()) {
    const names = await fs.readdir(path.join(root, participant));
    for (const name of names.filter((n) => n.endsWith('.meta.json')).sort()) {
      metas.push(JSON.parse(await fs.readFile(path.join(root, participant, name), 'utf8')) as StoredFileMeta);
    }
  }
  return metas.sort((a, b) => (a.participant_id < b.participant_id ? -1 : a.participant_id > b.participant_id ? 1 : a.file_seq - b.file_seq));
}

/**
 * The metas of one participant's committed files (any order): what a worker reads to bring its
 * view of that participant's book up to date before judging the participant's next file.
 */
export async function listStoredFilesOf(work: string, participantId: string): Promise<StoredFileMeta[]> {
  const dir = path.join(storeDir(work), participantId);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new StorageError(`cannot read ${dir}: ${(e as Error).message}`);
  }
  const metas: StoredFileMeta[] = [];
  for (const name of names.filter((n) => n.endsWith('.meta.json')).sort()) {
    metas.push(JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as StoredFileMeta);
  }
  return metas;
}

/** Every stored instruction of every committed file, in (participant_id, file_seq, line) order. */
export async function readStoredInstructions(work: string): Promise<StoredInstruction[]> {
  const all: StoredInstruction[] = [];
  for (const meta of await listStoredFiles(work)) {
    const p = filePaths(work, meta.participant_id, meta.file_sha256);
    const text = await fs.readFile(p.jsonl, 'utf8');
    for (const line of text.split('\n')) if (line) all.push(JSON.parse(line) as StoredInstruction);
  }
  return all;
}

/** The meta of one committed file, or null when it is not (yet) committed. */
export async function readStoredFileMeta(work: string, participantId: string, sha256: string): Promise<StoredFileMeta | null> {
  try {
    return JSON.parse(await fs.readFile(filePaths(work, participantId, sha256).meta, 'utf8')) as StoredFileMeta;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StorageError(`cannot read the stored meta of ${participantId}/${sha256}: ${(e as Error).message}`);
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
  const input = createReadStream(filePaths(work, participantId, sha256).jsonl, { highWaterMark: 1024 * 1024 });
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const end = bytes.lastIndexOf(0x0a);
    if (end < 0) {
      carry = bytes;
      continue;
    }
    carry = bytes.subarray(end + 1);
    yield parseJsonLines(bytes.toString('utf8', 0, end));
  }
  if (carry.length > 0) yield parseJsonLines(carry.toString('utf8'));
}

function parseJsonLines(text: string): StoredInstruction[] {
  const out: StoredInstruction[] = [];
  for (const line of text.split('\n')) if (line) out.push(JSON.parse(line) as StoredInstruction);
  return out;
}
