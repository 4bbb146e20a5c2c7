/**
 * The full-size crashers of issue 8, run by hand (never by `npm test`):
 *   npm run fuzz:long          (builds, runs these, then the fuzz suite with 5,000 runs a property)
 *   node dist/bench/hostile-input-bench.js [case ...]
 * Each case runs in a fresh process (so its peak memory is its own): an inbox with the hostile
 * file in BRK001/ and an ordinary file in BRK002/, through the whole ingest pipeline. Prints the
 * outcome, wall time and peak resident set size, and fails (exit 1) when an outcome is not the
 * expected one or the neighbour was not processed. The test/fuzz/corpus/ files are these at the
 * scale of small limits.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingestInbox } from '../pipeline/ingest';
import { loadOfferingFile, loadParticipantsFile } from '../io/config-files';
import type { IngestLimitsConfig } from '../offering/ingest-limits';

const ROOT = path.join(__dirname, '..', '..');
const MB = 1024 * 1024;
const HEADER = 'H,1,0020,BRK001,CLEARING,7,2021-12-23T13:00:00+08:00\n';

/** Writes `total` bytes of `fill` after `head` and before `tail`, 1 MiB at a time. */
function writeLarge(file: string, head: string, fill: number, total: number, tail: string): void {
  const fd = openSync(file, 'w');
  writeSync(fd, head);
  const block = Buffer.alloc(MB, fill);
  for (let left = total; left > 0; left -= MB) writeSync(fd, block, 0, Math.min(MB, left));
  writeSync(fd, tail);
  closeSync(fd);
}

interface Case {
  make: (file: string) => void;
  expect: string;
  limits?: IngestLimitsConfig;
}

const CASES: Record<string, Case> = {
  'nul-100mb-no-line-end': { make: (f) => writeLarge(f, '', 0, 100 * MB, ''), expect: 'LINE_TOO_LONG' },
  'one-field-100mb': { make: (f) => writeLarge(f, `${HEADER}D,R1,2021-12-21T10:00:00,HKID,A123456(3),"`, 0x41, 100 * MB, '",,1000,4030.21,ACC-1,,\nT,1,1000,4030.21\n'), expect: 'LINE_TOO_LONG' },
  'line-50mb': { make: (f) => writeLarge(f, HEADER, 0x2c, 50 * MB, '\nT,0,0,0.00\n'), expect: 'LINE_TOO_LONG' },
  'nul-lines-25mb': { make: (f) => writeLarge(f, '', 0, 0, '\0\n'.repeat(12_500_000)), expect: 'TOO_MANY_RECORDS' },
  'sparse-2gb': { make: (f) => { writeFileSync(f, ''); truncateSync(f, 2 * 1024 * MB); }, expect: 'FILE_TOO_LARGE' },
  // The same 2 GB with the file limit raised: read (hashed) in full, the first line stops at 16 KiB.
  'sparse-2gb-file-limit-4gb': { make: (f) => { writeFileSync(f, ''); truncateSync(f, 2 * 1024 * MB); }, expect: 'LINE_TOO_LONG', limits: { max_file_bytes: 4 * 1024 * MB } },
};

async function runCase(name: string): Promise<void> {
  const c = CASES[name]!;
  const tmp = mkdtempSync(path.join(tmpdir(), `hostile-${name}-`));
  try {
    const inbox = path.join(tmp, 'inbox');
    mkdirSync(path.join(inbox, 'BRK001'), { recursive: true });
    mkdirSync(path.join(inbox, 'BRK002'), { recursive: true });
    c.make(path.join(inbox, 'BRK001', `${name}.csv`));
    writeFileSync(path.join(inbox, 'BRK002', 'neighbour.csv'), 'H,1,0020,BRK002,CLEARING,1,2021-12-23T13:00:00+08:00\nD,N1,2021-12-21T10:00:00,HKID,A123456(3),CHAN Tai Man,,1000,4030.21,ACC-1,,\nT,1,1000,4030.21\n');
    const offering = loadOfferingFile(path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json'));
    const participants = loadParticipantsFile(path.join(ROOT, 'samples/participants.csv'));
    const start = process.hrtime.bigint();
    const report = await ingestInbox({ offering: { ...offering, ...(c.limits ? { ingest_limits: c.limits } : {}) }, participants, inboxDir: inbox, workDir: path.join(tmp, 'work'), closeLists: true });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const hostile = report.files.find((f) => f.folder === 'BRK001');
    const neighbour = report.files.find((f) => f.folder === 'BRK002');
    process.stdout.write(JSON.stringify({ name, outcome: hostile?.reason_code ?? hostile?.outcome ?? 'none', expected: c.expect, neighbour: neighbour?.outcome ?? 'none', seconds, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function main(): void {
  const [, , flag, only] = process.argv;
  if (flag === '--case' && only) {
    runCase(only).catch((e) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exitCode = 1;
    });
    return;
  }
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(CASES);
  let failed = false;
  process.stdout.write('case                          outcome            neighbour  seconds  peak RSS\n');
  for (const name of names) {
    if (!CASES[name]) throw new Error(`unknown case ${name}; cases: ${Object.keys(CASES).join(', ')}`);
    const child = spawnSync(process.execPath, [__filename, '--case', name], { encoding: 'utf8', timeout: 600_000 });
    let r: { outcome: string; expected: string; neighbour: string; seconds: number; maxRssMB: number } | null = null;
    try {
      r = JSON.parse(child.stdout.trim().split('\n').pop() ?? '');
    } catch {
      r = null;
    }
    if (!r) {
      failed = true;
      process.stdout.write(`${name.padEnd(30)}FAILED (${child.signal ?? `exit ${child.status}`}) ${child.stderr.split('\n')[0] ?? ''}\n`);
      continue;
    }
    const ok = r.outcome === r.expected && r.neighbour === 'ACCEPTED';
    failed ||= !ok;
    process.stdout.write(`${name.padEnd(30)}${r.outcome.padEnd(19)}${r.neighbour.padEnd(11)}${r.seconds.toFixed(2).padStart(7)}  ${String(r.maxRssMB).padStart(5)} MB${ok ? '' : `  expected ${r.expected}`}\n`);
  }
  if (failed) process.exitCode = 1;
}

main();
