/**
 * The issuance ledger on disk (docs/treasury.md, "Never paying twice"), in the work folder:
 *
 *   treasury/runs/<NNNN>/params.json    the run's parameters (all a re-derivation needs)
 *   treasury/runs/<NNNN>/events.csv     ISSUED / RETURNED / LISTED, one per refund
 *   treasury/runs/<NNNN>/complete.json  written once every output file is in place
 *
 * A run is recorded by renaming a finished temporary folder (params + events) to its number: one
 * rename, so a run is either wholly in the ledger or not at all, and it fails when the number is
 * taken, so two runs can never both be run N. From that rename on its refunds count as issued,
 * before any payment file is renamed into the output folder: a crash in between leaves a run
 * without complete.json, which `pay --resume` finishes (same bytes) and every other pay refuses
 * to pass.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { InvariantError, StorageError, UsageError } from '../domain/errors';
import type { IssuanceEvent, IssuanceEventKind } from '../treasury/issuance';
import { ISSUANCE_COLUMNS } from '../treasury/issuance';
import { writeFileAtomic } from './atomic-write';
import { readCsvRecords } from './csv-records';

export const EVENTS_FILE = 'events.csv';

export function treasuryDir(work: string): string {
  return path.join(work, 'treasury');
}

function runsDir(work: string): string {
  return path.join(treasuryDir(work), 'runs');
}

export function runDir(work: string, run: number): string {
  return path.join(runsDir(work), String(run).padStart(4, '0'));
}

export interface RecordedRun {
  run: number;
  complete: boolean;
}

const exists = (p: string) => fs.access(p).then(() => true, () => false);

/** The recorded runs in order; temporary folders of runs that never got recorded are removed. */
export async function listRuns(work: string): Promise<RecordedRun[]> {
  let names: string[];
  try {
    names = await fs.readdir(runsDir(work));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new StorageError(`cannot read ${runsDir(work)}: ${(e as Error).message}`);
  }
  const runs: RecordedRun[] = [];
  for (const name of names) {
    if (/^\.[0-9]{4,}\.[0-9a-f]{12}\.tmp$/.test(name)) {
      await fs.rm(path.join(runsDir(work), name), { recursive: true, force: true });
      continue;
    }
    if (!/^[0-9]{4,}$/.test(name)) continue;
    const run = Number(name);
    runs.push({ run, complete: await exists(path.join(runDir(work, run), 'complete.json')) });
  }
  runs.sort((a, b) => a.run - b.run);
  runs.forEach((r, i) => {
    if (r.run !== i + 1) throw new InvariantError(`issuance ledger: run ${r.run} where run ${i + 1} was expected`);
  });
  return runs;
}

export async function readRunJson<T>(work: string, run: number, name: string): Promise<T> {
  const file = path.join(runDir(work, run), name);
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (e) {
    throw new StorageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

const KINDS: readonly IssuanceEventKind[] = ['ISSUED', 'RETURNED', 'LISTED'];

/** The events of one recorded run, in the order they were written; `digest` once read to the end. */
export function readRunEvents(work: string, run: number): { events: AsyncGenerator<IssuanceEvent>; digest: () => { sha256: string } } {
  const file = path.join(runDir(work, run), EVENTS_FILE);
  const stream = readCsvRecords(file);
  async function* events(): AsyncGenerator<IssuanceEvent> {
    for await (const { line, cells } of stream.records) {
      if (line === 1) {
        if (cells.join(',') !== ISSUANCE_COLUMNS.join(',')) throw new InvariantError(`${file}: header is not ${ISSUANCE_COLUMNS.join(',')}`);
        continue;
      }
      if (cells.length !== ISSUANCE_COLUMNS.length || !KINDS.includes(cells[0] as IssuanceEventKind)) throw new InvariantError(`${file} line ${line}: not an issuance event`);
      const [event, refund_ref, end_to_end_id, method, amount, value_date, cheque_number, note] = cells as [IssuanceEventKind, string, string, string, string, string, string, string];
      yield { event, refund_ref, end_to_end_id, method, amount, value_date, cheque_number, note };
    }
  }
  return { events: events(), digest: () => stream.digest() };
}

export function eventsHeader(): string {
  return ISSUANCE_COLUMNS.join(',') + '\n';
}

/**
 * Records run `run`: its parameters and its events file (a finished temporary file in
 * treasury/, see StreamedFile) become treasury/runs/<NNNN>/ in one rename. UsageError when the
 * number is taken (another pay recorded it meanwhile): nothing of this run is recorded then.
 */
export async function recordRun(work: string, run: number, params: unknown, eventsTmp: string): Promise<void> {
  const dir = runDir(work, run);
  const tmpDir = path.join(runsDir(work), `.${String(run).padStart(4, '0')}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.mkdir(tmpDir, { recursive: true });
    await writeFileAtomic(path.join(tmpDir, 'params.json'), JSON.stringify(params, null, 2) + '\n');
    await fs.rename(eventsTmp, path.join(tmpDir, EVENTS_FILE));
  } catch (e) {
    await fs.rm(tmpDir, { recursive: true, force: true });
    throw new StorageError(`cannot record payment run ${run} in ${runsDir(work)}: ${(e as Error).message}`);
  }
  try {
    // A rename onto an existing non-empty folder fails: the run number is taken by one rename only.
    if (await exists(dir)) throw Object.assign(new Error('taken'), { code: 'ENOTEMPTY' });
    await fs.rename(tmpDir, dir);
  } catch (e) {
    await fs.rm(tmpDir, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new UsageError(`payment run ${run} was recorded by another pay meanwhile; nothing of this one was issued: run pay again`);
    throw new StorageError(`cannot record payment run ${run}: ${(e as Error).message}`);
  }
}

export async function completeRun(work: string, run: number, report: unknown): Promise<void> {
  try {
    await writeFileAtomic(path.join(runDir(work, run), 'complete.json'), JSON.stringify(report, null, 2) + '\n');
  } catch (e) {
    throw new StorageError(`cannot complete payment run ${run}: ${(e as Error).message}`);
  }
}
