/**
 * The worker thread of pass 2 (allocation-rows.ts): renders the second half of the book into part
 * files, which the main thread appends to the output files after its own half. Messages: the
 * totals and the parts' paths, or the error (its class name and message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StreamedFile } from '../io/streamed-file';
import { receivedRows, renderRows, RowFileName, SentRowsView } from './allocation-rows';

const NAMES: readonly RowFileName[] = ['results', 'refunds', 'deposits', 'certificates'];

async function main(): Promise<void> {
  const { work, view: sent, partsDir } = workerData as { work: string; view: SentRowsView; partsDir: string };
  const parts = {} as Record<RowFileName, StreamedFile>;
  // Not fsynced: the main thread copies them into the output files (which are), then removes them.
  for (const name of NAMES) parts[name] = await StreamedFile.open(partsDir, `${name}.part`, { durable: false });
  try {
    const totals = await renderRows(work, receivedRows(sent), { put: (file, text) => parts[file].write(text) });
    for (const name of NAMES) await parts[name].close();
    parentPort!.postMessage({ ok: true, totals, parts: Object.fromEntries(NAMES.map((n) => [n, parts[n].tmp])) });
  } catch (e) {
    for (const name of NAMES) await parts[name].abort();
    const err = e as Error;
    parentPort!.postMessage({ ok: false, name: err.name, message: err.message });
  }
}

void main();
