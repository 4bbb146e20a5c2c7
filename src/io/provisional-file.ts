/**
 * `<work>/provisional/<date>/summary.json`: the nightly provisional run's figures
 * (src/pipeline/provisional.ts), written atomically; a second run on the same Hong Kong day
 * replaces the first.
 */
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from './atomic-write';

export const PROVISIONAL_DIR = 'provisional';

export async function writeProvisionalSummary(work: string, date: string, text: string): Promise<string> {
  const file = path.join(work, PROVISIONAL_DIR, date, 'summary.json');
  await writeFileAtomic(file, text);
  return file;
}

/** The dates of the provisional runs kept in the work folder, latest last. */
export async function listProvisionalDates(work: string): Promise<string[]> {
  const names = await fs.readdir(path.join(work, PROVISIONAL_DIR)).catch(() => [] as string[]);
  return names.filter((n) => /^\d{4}-\d{2}-\d{2}$/.test(n)).sort();
}
