/**
 * Writes a synthetic book (src/generate/) into a folder:
 *
 *   <out>/inbox/<participant_id>/<participant_id>-<file_seq>.csv   instruction files
 *   <out>/participants.csv                                         the registry
 *   <out>/planted.csv                                              what the pipeline must reject
 *   <out>/manifest.json                                            counts, totals, expectations (written last)
 *
 * The folder must be new or empty: a book is never mixed with another's leftovers. Files are
 * written with synchronous appends of 64 KB chunks (memory stays flat whatever the book's size)
 * and without fsync: a synthetic book is data for tests and benchmarks, regenerated at will; the
 * manifest, written last, says the book is whole.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { ConfigInvalidError, StorageError, UsageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { BookGenerator } from '../generate/book-generator';
import type { GenerateOptions, PlannedFile } from '../generate/book-plan';
import { bookManifest, BookManifest, plantedCsvChunks, registryCsv } from '../generate/book-report';

export interface SyntheticBookReport {
  manifest: BookManifest;
  /** Bytes of every instruction file together. */
  inboxBytes: number;
}

function writeChunks(file: string, chunks: Iterable<string>): number {
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    for (const chunk of chunks) bytes += writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function assertUsableFolder(outDir: string): void {
  if (!existsSync(outDir)) return;
  let entries: string[];
  try {
    entries = readdirSync(outDir);
  } catch (e) {
    throw new UsageError(`--out ${outDir}: not a folder that can be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (entries.length > 0) throw new UsageError(`--out ${outDir}: the folder already holds files; generate into a new or empty folder`);
}

/** Builds the generator first (so a bad offering or option writes nothing), then the files. */
export function writeSyntheticBook(outDir: string, offering: Offering, offeringFile: string, options: GenerateOptions, onFile?: (file: PlannedFile) => void): SyntheticBookReport {
  assertUsableFolder(outDir);
  let generator: BookGenerator;
  try {
    generator = new BookGenerator(offering, options);
  } catch (e) {
    if (e instanceof RangeError) throw new ConfigInvalidError(`offering ${offeringFile}: cannot generate a book: ${e.message}`);
    throw e;
  }
  const offeringSha256 = createHash('sha256').update(readFileSync(offeringFile)).digest('hex');
  let inboxBytes = 0;
  try {
    const inbox = path.join(outDir, 'inbox');
    let folder = '';
    for (const file of generator.plan.files) {
      const dir = path.join(inbox, file.participant.participant_id);
      if (dir !== folder) {
        mkdirSync(dir, { recursive: true });
        folder = dir;
      }
      inboxBytes += writeChunks(path.join(dir, file.name), generator.fileChunks(file));
      onFile?.(file);
    }
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'participants.csv'), registryCsv(generator.plan));
    writeChunks(path.join(outDir, 'planted.csv'), plantedCsvChunks(generator.plan, generator.tally));
    const manifest = bookManifest(generator.plan, offering, generator.tally, offeringSha256);
    writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return { manifest, inboxBytes };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && typeof err.syscall === 'string') throw new StorageError(`writing the book into ${outDir}: ${err.code} (${err.syscall})`);
    throw e;
  }
}
