/**
 * Writes an allocation's output folder, and keeps a superseded one. The only file code of the
 * allocation; the contents come ready-made from src/pipeline/allocate.ts.
 *
 * The folder is written all-or-nothing as far as a file system allows: the previous manifest is
 * removed first (no manifest = a run in progress), every file is written to a temporary name and
 * fsynced, then each is renamed into place, manifest.json last. A consumer that finds a manifest
 * finds every file it lists, and can check their bytes against it.
 */
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { StorageError } from '../domain/errors';

export const ALLOCATION_DIR = 'allocation';

export function allocationDir(work: string): string {
  return path.join(work, ALLOCATION_DIR);
}

async function writeTemp(dir: string, name: string, content: string): Promise<string> {
  const tmp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return tmp;
}

/** Writes the files (in the given order, the last one being the manifest) into `dir`. */
export async function writeOutputFolder(dir: string, files: readonly { name: string; content: string }[]): Promise<void> {
  const last = files[files.length - 1];
  if (!last) return;
  const temps: { tmp: string; file: string }[] = [];
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.rm(path.join(dir, last.name), { force: true });
    // Temporary files left by a run that crashed before its renames.
    for (const name of await fs.readdir(dir)) if (/^\..+\.[0-9a-f]{12}\.tmp$/.test(name)) await fs.rm(path.join(dir, name), { force: true });
    for (const f of files) temps.push({ tmp: await writeTemp(dir, f.name, f.content), file: path.join(dir, f.name) });
    for (const t of temps) await fs.rename(t.tmp, t.file);
  } catch (e) {
    await Promise.all(temps.map((t) => fs.rm(t.tmp, { force: true })));
    throw new StorageError(`cannot write ${dir}: ${(e as Error).message}`);
  }
}

/** Each named file's bytes, or null where it is missing. */
export async function readOutputFolder(dir: string, names: readonly string[]): Promise<Map<string, Buffer | null>> {
  const found = new Map<string, Buffer | null>();
  for (const name of names) {
    try {
      found.set(name, await fs.readFile(path.join(dir, name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new StorageError(`cannot read ${path.join(dir, name)}: ${(e as Error).message}`);
      found.set(name, null);
    }
  }
  return found;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Each named file's SHA-256 (hex), read in a stream, or null where it is missing. */
export async function hashOutputFolder(dir: string, names: readonly string[]): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  for (const name of names) {
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(path.join(dir, name), { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
      found.set(name, hash.digest('hex'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new StorageError(`cannot read ${path.join(dir, name)}: ${(e as Error).message}`);
      found.set(name, null);
    }
  }
  return found;
}

/**
 * Keeps the allocation now in `dir` under `archive` byte for byte (every file its manifest lists,
 * and the manifest), before a new allocation replaces it. The manifest must be the one recorded
 * (`manifestSha256`): an allocation folder that no longer matches its record is not kept as if it
 * were. Written to a temporary folder and renamed, so `archive` is whole or absent; an `archive`
 * already holding that manifest (a run that stopped after keeping it) is left as it is.
 */
export async function archiveOutputFolder(dir: string, archive: string, manifestName: string, manifestSha256: string): Promise<void> {
  const existing = await fs.readFile(path.join(archive, manifestName)).catch(() => null);
  if (existing) {
    if (sha256(existing) === manifestSha256) return;
    throw new StorageError(`${archive} already exists and holds another allocation; not overwritten`);
  }
  const manifestBytes = await fs.readFile(path.join(dir, manifestName)).catch(() => null);
  if (!manifestBytes || sha256(manifestBytes) !== manifestSha256) {
    throw new StorageError(`${dir}/${manifestName} is not the manifest recorded for the allocation being replaced (sha256 ${manifestSha256}); run verify, nothing was changed`);
  }
  let names: string[];
  try {
    names = (JSON.parse(manifestBytes.toString('utf8')) as { files: { name: string }[] }).files.map((f) => f.name);
  } catch (e) {
    throw new StorageError(`${dir}/${manifestName}: not a manifest (${(e as Error).message})`);
  }
  const tmp = `${archive}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.mkdir(tmp, { recursive: true });
    for (const name of [...names, manifestName]) {
      const bytes = await fs.readFile(path.join(dir, name));
      const handle = await fs.open(path.join(tmp, name), 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await fs.rename(tmp, archive);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw new StorageError(`cannot keep ${dir} in ${archive}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
