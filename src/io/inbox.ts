/**
 * The inbox (spec: instruction-file.md, "Where files arrive"): only `inbox/<participant_id>/*.csv`
 * is taken. Hidden entries, non-.csv files, names with a path separator or `..`, subfolders,
 * symbolic links and anything else are ignored and reported, never followed. Files are listed in
 * a deterministic order: folder name, then file name, both compared as UTF-8 bytes.
 */
import { constants as fsConstants, createReadStream, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { StorageError } from '../domain/errors';

export interface InboxFile {
  /** The participant folder (the sender's identity). */
  folder: string;
  name: string;
  path: string;
}

export interface IgnoredEntry {
  /** Path relative to the inbox, `/`-separated. */
  entry: string;
  reason: string;
}

export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function nameProblem(name: string): string | null {
  if (name.startsWith('.')) return 'hidden';
  if (name.includes('/') || name.includes('\\') || name.includes('..')) return 'name contains a path separator or ..';
  return null;
}

export async function scanInbox(inboxDir: string): Promise<{ files: InboxFile[]; ignored: IgnoredEntry[] }> {
  const files: InboxFile[] = [];
  const ignored: IgnoredEntry[] = [];
  let top: string[];
  try {
    top = await fs.readdir(inboxDir);
  } catch (e) {
    throw new StorageError(`cannot read inbox ${inboxDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  for (const folder of top.sort(byteOrder)) {
    const folderPath = path.join(inboxDir, folder);
    const st = await fs.lstat(folderPath);
    const problem = nameProblem(folder);
    if (problem) { ignored.push({ entry: folder, reason: problem }); continue; }
    if (st.isSymbolicLink()) { ignored.push({ entry: folder, reason: 'symbolic link' }); continue; }
    if (!st.isDirectory()) { ignored.push({ entry: folder, reason: 'not in a participant folder' }); continue; }
    for (const name of (await fs.readdir(folderPath)).sort(byteOrder)) {
      const entry = `${folder}/${name}`;
      const p = path.join(folderPath, name);
      const fst = await fs.lstat(p);
      const bad = nameProblem(name);
      if (bad) ignored.push({ entry, reason: bad });
      else if (fst.isSymbolicLink()) ignored.push({ entry, reason: 'symbolic link' });
      else if (fst.isDirectory()) ignored.push({ entry, reason: 'subfolder' });
      else if (!fst.isFile()) ignored.push({ entry, reason: 'not a regular file' });
      else if (!name.endsWith('.csv')) ignored.push({ entry, reason: 'not a .csv file' });
      else files.push({ folder, name, path: p });
    }
  }
  return { files, ignored };
}

/** The file's bytes as a stream of chunks (bounded memory). */
export async function* readFileChunks(file: string, chunkBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(file, { highWaterMark: chunkBytes })) yield chunk as Buffer;
}

/**
 * The file's chunks, hashed (SHA-256) as they are read: `digest()` after the last chunk gives the
 * hash of exactly the bytes that were read (a file still growing may differ from an earlier hash).
 */
export function readFileChunksHashed(file: string): { chunks: AsyncGenerator<Uint8Array>; digest: () => string } {
  const hash = createHash('sha256');
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of readFileChunks(file)) {
      hash.update(chunk);
      yield chunk;
    }
  }
  return { chunks: chunks(), digest: () => hash.digest('hex') };
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Moves a file into a folder under its name, untouched; when the name is taken, `.2`, `.3`, ...
 * is appended. Returns the new path.
 */
export async function moveIntoFolder(source: string, folder: string, name: string): Promise<string> {
  await fs.mkdir(folder, { recursive: true });
  for (let n = 1; ; n++) {
    const target = path.join(folder, n === 1 ? name : `${name}.${n}`);
    try {
      // link + unlink never overwrites an existing target (rename would).
      await fs.link(source, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP') {
        try {
          await fs.copyFile(source, target, fsConstants.COPYFILE_EXCL);
        } catch (e2) {
          if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw e2;
        }
      } else throw e;
    }
    await fs.unlink(source);
    return target;
  }
}
