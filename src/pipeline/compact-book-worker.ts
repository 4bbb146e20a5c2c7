/**
 * The worker thread of pass 1 (allocation-files.ts readCompactBook): reads the second half of the
 * store's files (whole files, in store order) into a part of the compact book, which the main
 * thread appends after its own half. Messages: the part (its typed arrays transferred), or the
 * error (its class name and message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CompactBookBuilder } from '../allocate/compact-book';
import type { StoredFileMeta } from '../io/store';
import { readStoredFiles } from './compact-read';

async function main(): Promise<void> {
  const { work, metas, announced } = workerData as { work: string; metas: StoredFileMeta[]; announced: number };
  try {
    const builder = new CompactBookBuilder(metas.reduce((n, m) => n + m.records, 0), announced);
    await readStoredFiles(work, metas, builder);
    const part = builder.part();
    const transfer = [part.file, part.line, part.shares, part.paid, part.rejected, part.reason, part.idHash, part.idOwner].map((a) => a.buffer as ArrayBuffer);
    parentPort!.postMessage({ ok: true, part }, transfer);
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ ok: false, name: err.name, message: err.message });
  }
}

void main();
