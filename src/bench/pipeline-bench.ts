/**
 * The pipeline benchmark, run by hand (never by `npm test`; a test runs it on a tiny book):
 *
 *   npm run bench [-- --instructions N] [--dir DIR] [--seed TEXT] [--steps floor,ingest,allocate,run]
 *
 * In one run: a book of N instructions (default 1,000,000) written by `ccass-batch generate`
 * (deterministic; kept in DIR, default <tmp>/ccass-bench, and reused), then each step as a child
 * process, one after the other, timed from the outside, with its peak resident set size:
 *
 *   floor     a bare csv-parse pass over the D lines of the same files, single-threaded
 *   ingest    `ccass-batch ingest` of a copy of the inbox
 *   allocate  `ccass-batch allocate` of that work folder
 *   run       `ccass-batch run` (ingest with the lists closed, then allocate) of another copy
 *   BullMQ    workers on Redis with 1 and 2 worker processes, when the CLI has a `worker` command
 *
 * It prints a table (wall time, instructions a second, peak RSS, ratio to the floor), the machine,
 * its load average at each step, and the store's size a record. Progress is shown on stderr
 * while it runs (a line per step; on a terminal, the seconds of the step in progress).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { progressOn } from '../cli/progress';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ccass-batch.js');
const OFFERING = path.join(ROOT, 'samples', 'offerings', '0020-sensetime-2021.json');
const PRICE = '3.85';
const progress = progressOn({ stderr: (t) => void process.stderr.write(t), stderrIsTTY: process.stderr.isTTY === true });

const STEPS = ['floor', 'ingest', 'allocate', 'run'] as const;

interface Options {
  instructions: number;
  dir: string;
  seed: string;
  steps: ReadonlySet<string>;
}

function readOptions(argv: readonly string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const n = (value('--instructions') ?? argv.find((a) => /^[0-9][0-9_,]*$/.test(a)) ?? '1000000').replace(/[_,]/g, '');
  if (!/^[0-9]+$/.test(n) || Number(n) < 1) throw new Error(`--instructions "${n}" must be a whole number`);
  const steps = (value('--steps') ?? STEPS.join(',')).split(',');
  const unknown = steps.filter((x) => !(STEPS as readonly string[]).includes(x));
  if (unknown.length > 0 || !steps.includes('floor')) throw new Error(`--steps: a list of ${STEPS.join(', ')}, the floor included`);
  return { instructions: Number(n), dir: path.resolve(value('--dir') ?? path.join(os.tmpdir(), 'ccass-bench')), seed: value('--seed') ?? 'bench', steps: new Set(steps) };
}

interface Measured {
  seconds: number;
  /** Peak RSS in bytes, null when unknown. */
  rss: number | null;
  stdout: string;
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

/** Runs `node [-r peak-rss] args` as a child, timed; throws with the end of its stderr when it fails. */
function measure(label: string, args: string[]): Promise<Measured> {
  const rssFile = path.join(os.tmpdir(), `ccass-bench-rss-${process.pid}-${label.replace(/\W+/g, '-')}`);
  rmSync(rssFile, { force: true });
  process.stderr.write(`bench: ${label} ... (load average ${loadAverage()})\n`);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'peak-rss.js'), ...args], { env: { ...process.env, BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const ticker = setInterval(() => progress.update(`bench: ${label}: ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s`), 1000);
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      clearInterval(ticker);
      progress.end();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) {
        reject(new Error(`${label} failed (exit code ${code}):\n${stderr}`));
        return;
      }
      const kb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
      rmSync(rssFile, { force: true });
      process.stderr.write(`bench: ${label}: ${seconds.toFixed(2)} s\n`);
      resolve({ seconds, rss: Number.isFinite(kb) ? kb * 1024 : null, stdout });
    });
  });
}

function folderBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  if (!existsSync(dir)) return { bytes, files };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const sub = folderBytes(p);
      bytes += sub.bytes;
      files += sub.files;
    } else {
      bytes += statSync(p).size;
      files += 1;
    }
  }
  return { bytes, files };
}

/** The CLI's commands (to know whether the BullMQ workers are there). */
function hasCommand(name: string): boolean {
  const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  return new RegExp(`^\\s+${name}\\b`, 'm').test(help.stdout ?? '');
}

interface Row {
  step: string;
  measured: Measured | null;
  note?: string;
  load: string;
}

/**
 * BullMQ modes, once the workers exist (issue 7): each a function that runs the book through
 * `watch` + N `worker` processes and returns its measure. Adding them is adding entries here.
 */
const BULLMQ_MODES: { step: string; workers: number }[] = [
  { step: 'BullMQ, 1 worker process', workers: 1 },
  { step: 'BullMQ, 2 worker processes', workers: 2 },
];

async function bench(): Promise<void> {
  const o = readOptions(process.argv.slice(2));
  const book = path.join(o.dir, `book-${o.instructions}-${o.seed.replace(/\W+/g, '_')}`);
  const inbox = path.join(book, 'inbox');
  const participants = path.join(book, 'participants.csv');
  let generated = 'kept from an earlier run';
  if (!existsSync(path.join(book, 'manifest.json'))) {
    rmSync(book, { recursive: true, force: true });
    mkdirSync(o.dir, { recursive: true });
    const g = await measure('generate', [BIN, 'generate', '--instructions', String(o.instructions), '--seed', o.seed, '--out', book, '--offering', OFFERING]);
    generated = `generated in ${g.seconds.toFixed(1)} s`;
  }
  const input = folderBytes(inbox);
  const runs = path.join(o.dir, `runs-${process.pid}`);
  rmSync(runs, { recursive: true, force: true });
  const copyInbox = (name: string) => {
    const copy = path.join(runs, name, 'inbox');
    cpSync(inbox, copy, { recursive: true });
    return copy;
  };
  const common = ['--offering', OFFERING, '--participants', participants];
  const allocation = ['--final-price', PRICE, '--seed', o.seed];
  const rows: Row[] = [];
  /** A step that fails is a row of the table (e.g. out of memory), not the end of the benchmark. */
  const step = async (name: string, args: string[]) => {
    try {
      rows.push({ step: name, measured: await measure(name, args), load: loadAverage() });
    } catch (e) {
      const reason = (e as Error).message.split('\n').filter((l) => l.trim() !== '').slice(1).find((l) => /error|fault|memory/i.test(l)) ?? 'see stderr';
      process.stderr.write(`bench: ${(e as Error).message}\n`);
      rows.push({ step: name, measured: null, load: loadAverage(), note: `failed: ${reason.trim().slice(0, 120)}` });
    }
  };
  let storeBytes = 0;
  try {
    await step('floor: bare csv-parse of the D lines, one thread', [path.join(__dirname, 'csv-floor.js'), inbox]);
    if (o.steps.has('ingest') || o.steps.has('allocate')) {
      const ingestInbox = copyInbox('ingest');
      const work = path.join(runs, 'ingest', 'work');
      await step('ingest', [BIN, 'ingest', ...common, '--inbox', ingestInbox, '--work', work]);
      storeBytes = folderBytes(path.join(work, 'store')).bytes;
      if (o.steps.has('allocate')) await step('allocate', [BIN, 'allocate', ...common, '--work', work, ...allocation]);
      rmSync(path.join(runs, 'ingest'), { recursive: true, force: true });
    }
    if (o.steps.has('run')) {
      const runInbox = copyInbox('run');
      await step('run (ingest, lists closed, then allocate)', [BIN, 'run', ...common, '--inbox', runInbox, '--work', path.join(runs, 'run', 'work'), ...allocation]);
      rmSync(path.join(runs, 'run'), { recursive: true, force: true });
    }
    const workers = hasCommand('worker');
    for (const mode of BULLMQ_MODES) {
      rows.push({ step: mode.step, measured: null, load: loadAverage(), note: workers ? 'not yet wired into the benchmark (pipeline-bench.ts BULLMQ_MODES)' : 'not measured: this build has no `worker` command (issue 7)' });
    }
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
  const floor = rows[0]?.measured?.seconds ?? NaN;
  const lines = [
    `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
    `book: ${thousands(o.instructions)} instructions in ${thousands(input.files)} files (${(input.bytes / 1e6).toFixed(1)} MB, ${(input.bytes / o.instructions).toFixed(0)} bytes an instruction), seed "${o.seed}", ${generated}: ${book}`,
    '',
    '| step | wall | instructions/s | peak RSS | ratio to the floor | load average after (1, 5, 15 min) |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => r.measured
      ? `| ${r.step} | ${r.measured.seconds.toFixed(2)} s | ${thousands(o.instructions / r.measured.seconds)} | ${r.measured.rss === null ? '?' : `${thousands(r.measured.rss / 1e6)} MB`} | ${(r.measured.seconds / floor).toFixed(2)} | ${r.load} |`
      : `| ${r.step} | ${r.note} | | | | ${r.load} |`),
    '',
    `store: ${(storeBytes / 1e6).toFixed(1)} MB, ${(storeBytes / o.instructions).toFixed(0)} bytes an instruction (${(storeBytes / input.bytes).toFixed(2)} times the input)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

bench().catch((e: unknown) => {
  progress.end();
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
