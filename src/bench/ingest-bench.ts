/**
 * Ingest benchmark, run by hand (never by `npm test`):
 *   npm run bench [-- --instructions N]        (or: node dist/bench/ingest-bench.js [N])
 * Generates a synthetic book of N instructions (default 200,000) with the `generate` command's
 * generator (src/generate/, seed "bench", default options: files of about 650 records, every
 * participant channel) over samples/offerings/0020-sensetime-2021.json in a temporary folder,
 * runs the whole ingest pipeline over it (parse, validate, store, ack, move) and prints the
 * generation time, records/s and the peak resident set size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingestInbox } from '../pipeline/ingest';
import { loadOfferingFile, loadParticipantsFile } from '../io/config-files';
import { writeSyntheticBook } from '../io/synthetic-book';
import { readGenerateOptions } from '../generate/generate-options';

const ROOT = path.join(__dirname, '..', '..');
const OFFERING = path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json');

function instructionsArgument(argv: readonly string[]): string {
  const flag = argv.indexOf('--instructions');
  if (flag >= 0) return argv[flag + 1] ?? '';
  return argv.find((a) => /^[0-9][0-9_,]*$/.test(a)) ?? '200000';
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

async function bench(): Promise<void> {
  const options = readGenerateOptions({ instructions: instructionsArgument(process.argv.slice(2)), seed: 'bench' });
  const offering = loadOfferingFile(OFFERING);
  const tmp = mkdtempSync(path.join(tmpdir(), 'ingest-bench-'));
  try {
    const book = path.join(tmp, 'book');
    let start = process.hrtime.bigint();
    const { manifest, inboxBytes } = writeSyntheticBook(book, offering, OFFERING, options);
    const generated = seconds(start);
    process.stdout.write(`generated ${manifest.instructions.total} instructions in ${manifest.files} files (${(inboxBytes / 1e6).toFixed(1)} MB) in ${generated.toFixed(2)} s\n`);
    const participants = loadParticipantsFile(path.join(book, 'participants.csv'));
    start = process.hrtime.bigint();
    const report = await ingestInbox({ offering, participants, inboxDir: path.join(book, 'inbox'), workDir: path.join(tmp, 'work') });
    const ingested = seconds(start);
    const t = report.totals;
    process.stdout.write(
      `ingest: ${t.records} records in ${t.files} files (${t.accepted_records} accepted, ${t.rejected_records} rejected, ${t.accepted_files} files accepted) in ${ingested.toFixed(2)} s: ` +
        `${Math.round(t.records / ingested)} records/s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

bench().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 1;
});
