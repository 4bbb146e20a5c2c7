/**
 * The pipeline benchmark, run by hand (never by `npm test`; tests run it on a tiny book):
 *
 *   npm run bench [-- --instructions N] [--dir DIR] [--seed TEXT] [--steps floor,ingest,allocate,run,bullmq1,bullmq2] [--rounds R]
 *
 * In one run: a book of N instructions (default 1,000,000) written by `ccass-batch generate`
 * (deterministic; kept in DIR, default <tmp>/ccass-bench, and reused), then each step as a child
 * process, one after the other, timed from the outside, with its peak resident set size:
 *
 *   floor     a bare csv-parse pass over the D lines of the same files, single-threaded
 *   ingest    `ccass-batch ingest` of a copy of the inbox
 *   allocate  `ccass-batch allocate` of that work folder
 *   run       `ccass-batch run` (ingest with the lists closed, then allocate) of another copy
 *   bullmq1   the BullMQ mode with 1 worker process, bullmq2 with 2 (docs/redis.md): a fresh work
 *             folder, a copy of the inbox and a redis-server of its own (from the `redis-server`
 *             binary on the PATH, on a free port of 127.0.0.1, with the settings the workers
 *             require: appendonly yes, appendfsync everysec, maxmemory-policy noeviction; its
 *             files in the mode's folder; started before and stopped after the timing). Timed as
 *             one step, from the first command to the exit of the last: `watch --once` and the N
 *             `worker` processes started together, then `close --final-price --seed --wait` as
 *             soon as the watcher has queued the inbox and exited; the workers are then stopped
 *             by SIGTERM. Peak RSS: the largest of the worker processes' peaks (the watcher's,
 *             close's and Redis's memory are given under the table). The allocation must be the
 *             embedded `run`'s: the name and sha256 of every file listed by
 *             allocation/manifest.json are compared with the `run` step's (kept in the book's
 *             folder as run-allocation-manifest.json, so `--steps floor,bullmq1,bullmq2` compares
 *             with the `run` of an earlier bench of the same book; with none, the modes are
 *             compared with each other). A difference is a failure of the benchmark (exit code 1).
 *             Measured figures: docs/performance.md, "BullMQ mode".
 *
 * `--rounds R` (default 1) runs the floor and the steps R times, in turns (floor, steps, floor,
 * steps...): on a shared host a single floor can be off by half, so each round's ratios are to
 * its own floor, and the table gives the median of the rounds with their range (docs/
 * performance.md, "The pipeline benchmark").
 *
 * `--steps` picks the steps (the floor always runs; the ratio is to it). It prints a table (wall
 * time, instructions a second, peak RSS, ratio to the floor), the machine, its load average at
 * each step, and the store's size a record. Progress is shown on stderr while it runs (a line per
 * step; on a terminal, the seconds of the step in progress). Every child is ended by its pid when
 * the benchmark ends or is stopped (SIGINT, SIGTERM).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { progressOn } from '../cli/progress';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ccass-batch.js');
const OFFERING = path.join(ROOT, 'samples', 'offerings', '0020-sensetime-2021.json');
const PRICE = '3.85';
const progress = progressOn({ stderr: (t) => void process.stderr.write(t), stderrIsTTY: process.stderr.isTTY === true });

/** The BullMQ modes (issue 9 part 4): step name, row, worker processes. */
const BULLMQ_MODES = [
  { step: 'bullmq1', row: 'BullMQ, 1 worker process', workers: 1 },
  { step: 'bullmq2', row: 'BullMQ, 2 worker processes', workers: 2 },
] as const;
const STEPS = ['floor', 'ingest', 'allocate', 'run', ...BULLMQ_MODES.map((m) => m.step)] as const;
/** The `run` step's allocation/manifest.json, kept in the book's folder for later benches. */
const RUN_MANIFEST = 'run-allocation-manifest.json';

interface Options {
  instructions: number;
  dir: string;
  seed: string;
  steps: ReadonlySet<string>;
  rounds: number;
}

function readOptions(argv: readonly string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  // A bare number (npm run bench -- 5000000) is the instructions, never a flag's value (--rounds 3).
  const positional = argv.find((a, i) => /^[0-9][0-9_,]*$/.test(a) && !(argv[i - 1] ?? '').startsWith('--'));
  const n = (value('--instructions') ?? positional ?? '1000000').replace(/[_,]/g, '');
  if (!/^[0-9]+$/.test(n) || Number(n) < 1) throw new Error(`--instructions "${n}" must be a whole number`);
  const steps = (value('--steps') ?? STEPS.join(',')).split(',');
  const unknown = steps.filter((x) => !(STEPS as readonly string[]).includes(x));
  if (unknown.length > 0 || !steps.includes('floor')) throw new Error(`--steps: a list of ${STEPS.join(', ')}, the floor included`);
  const rounds = value('--rounds') ?? '1';
  if (!/^[1-9][0-9]?$/.test(rounds)) throw new Error(`--rounds "${rounds}" must be a whole number from 1 to 99`);
  return { instructions: Number(n), dir: path.resolve(value('--dir') ?? path.join(os.tmpdir(), 'ccass-bench')), seed: value('--seed') ?? 'bench', steps: new Set(steps), rounds: Number(rounds) };
}

interface Measured {
  seconds: number;
  /** Peak RSS in bytes, null when unknown. */
  rss: number | null;
  stdout: string;
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const megabytes = (bytes: number | null) => (bytes === null ? '?' : `${thousands(bytes / 1e6)} MB`);
const since = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

/** Every child still running, ended by its pid when the benchmark ends or is stopped. */
const live = new Set<ChildProcess>();
function endChildren(): void {
  for (const c of live) c.kill('SIGKILL');
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    endChildren();
    process.stderr.write(`bench: stopped by ${signal}\n`);
    process.exit(130);
  });
}

interface Child {
  child: ChildProcess;
  stdout: () => string;
  /** The end of its stderr. */
  stderr: () => string;
  /** Its exit code (null: a signal), and its peak RSS in bytes when it wrote it (null otherwise). */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; rss: number | null }>;
}

let children = 0;
/** Starts `node -r peak-rss args` (any executable with `exe`): its peak RSS is written at its exit. */
function startChild(label: string, args: string[], exe?: string): Child {
  children += 1;
  const rssFile = path.join(os.tmpdir(), `ccass-bench-rss-${process.pid}-${children}-${label.replace(/\W+/g, '-')}`);
  rmSync(rssFile, { force: true });
  const child = exe
    ? spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['-r', path.join(__dirname, 'peak-rss.js'), ...args], { env: { ...process.env, BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; rss: number | null }>((resolve) => {
    child.once('error', (e) => { stderr += `\n${label}: ${e.message}`; });
    child.once('close', (code, signal) => {
      live.delete(child);
      const kb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
      rmSync(rssFile, { force: true });
      resolve({ code, signal, rss: Number.isFinite(kb) ? kb * 1024 : null });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** The seconds of the step in progress on a terminal; stop() ends the line. */
function ticker(label: string, started: bigint): () => void {
  const timer = setInterval(() => progress.update(`bench: ${label}: ${since(started).toFixed(0)} s`), 1000);
  return () => {
    clearInterval(timer);
    progress.end();
  };
}

/** Runs `node [-r peak-rss] args` as a child, timed; throws with the end of its stderr when it fails. */
async function measure(label: string, args: string[]): Promise<Measured> {
  process.stderr.write(`bench: ${label} ... (load average ${loadAverage()})\n`);
  const started = process.hrtime.bigint();
  const stop = ticker(label, started);
  const c = startChild(label, args);
  const r = await c.done;
  stop();
  const seconds = since(started);
  if (r.code !== 0) throw new Error(`${label} failed (exit code ${r.code ?? r.signal}):\n${c.stderr()}`);
  process.stderr.write(`bench: ${label}: ${seconds.toFixed(2)} s\n`);
  return { seconds, rss: r.rss, stdout: c.stdout() };
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

/** Whether an executable is on the PATH. */
function onPath(exe: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d !== '' && existsSync(path.join(d, exe)));
}

/** "name sha256" of every file allocation/manifest.json lists, in its order. */
function manifestFiles(manifestJson: string): string[] {
  const m = JSON.parse(manifestJson) as { files?: { name: string; sha256: string }[] };
  if (!Array.isArray(m.files) || m.files.length === 0) throw new Error('allocation/manifest.json lists no file');
  return m.files.map((f) => `${f.name} ${f.sha256}`);
}

/** The files whose name or sha256 differ between two manifests' lists (empty: identical). */
function differences(a: readonly string[], b: readonly string[]): string[] {
  const names = (l: readonly string[]) => l.map((x) => x.split(' ')[0]!);
  const all = [...new Set([...names(a), ...names(b)])];
  return all.filter((n) => a.find((x) => x.startsWith(`${n} `)) !== b.find((x) => x.startsWith(`${n} `)));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface OwnRedis {
  url: string;
  /** used_memory_peak and used_memory_rss of its INFO, read before it stops. */
  memory(): Promise<string>;
  stop(): Promise<void>;
}

/** A redis-server of the mode's own, on a free port, its files in `dir`; throws when it does not answer in 10 s. */
async function ownRedis(dir: string): Promise<OwnRedis> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const server = startChild(`redis-server-${port}`, [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--logfile', '',
  ], 'redis-server');
  const client = () => new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  const started = Date.now();
  for (;;) {
    const r = client();
    r.on('error', () => undefined);
    const ok = await r.connect().then(() => r.ping()).then((p) => p === 'PONG', () => false);
    r.disconnect();
    if (ok) break;
    if (server.child.exitCode !== null || Date.now() - started > 10_000) {
      server.child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not answer: ${server.stdout().slice(-300)}${server.stderr().slice(-300)}`);
    }
    await sleep(50);
  }
  return {
    url,
    async memory() {
      const r = client();
      r.on('error', () => undefined);
      try {
        await r.connect();
        const info = await r.info('memory');
        const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
        return `used_memory_peak ${megabytes(field('used_memory_peak'))}, used_memory_rss ${megabytes(field('used_memory_rss'))}`;
      } catch {
        return 'memory unknown';
      } finally {
        r.disconnect();
      }
    },
    async stop() {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
      await server.done;
    },
  };
}

/**
 * When the workers finished their jobs, from their logs (pino's `time`, one "job done" line a
 * job): the last ingest job, then the allocate and export jobs, in seconds from the start.
 */
function jobPhases(logs: string, t0Ms: number): string {
  const last = new Map<string, number>();
  for (const f of readdirSync(logs)) {
    for (const line of readFileSync(path.join(logs, f), 'utf8').split('\n')) {
      if (!line.includes('"job done"')) continue;
      try {
        const l = JSON.parse(line) as { queue?: string; time?: number };
        if (l.queue && typeof l.time === 'number') last.set(l.queue, Math.max(last.get(l.queue) ?? 0, l.time));
      } catch {
        // a line cut by a killed process
      }
    }
  }
  const at = (q: string) => (last.has(q) ? `${((last.get(q)! - t0Ms) / 1000).toFixed(1)} s` : '?');
  return `; jobs done: the last ingest at ${at('ingest')}, allocate at ${at('allocate')}, export at ${at('export')}`;
}

interface ModeMeasured extends Measured {
  /** "name sha256" of every allocation file. */
  allocation: string[];
  detail: string;
}

/**
 * One BullMQ mode: `watch --once` and `workers` worker processes started together, `close --wait`
 * once the watcher has exited; timed from the first start to the close's exit. Throws (after
 * ending every process it started) when a command fails or a worker exits before the close.
 */
async function bullmqMode(label: string, workers: number, dir: string, inbox: string, common: string[], allocation: string[]): Promise<ModeMeasured> {
  const work = path.join(dir, 'work');
  const logs = path.join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const redis = await ownRedis(path.join(dir, 'redis'));
  const target = ['--redis', redis.url, '--prefix', 'ccass-bench'];
  const started: Child[] = [];
  const failed = (what: string, c: Child, code: number | string | null) => new Error(`${label}: ${what} failed (exit code ${code}):\n${c.stderr()}`);
  try {
    process.stderr.write(`bench: ${label} ... (load average ${loadAverage()}; Redis ${redis.url})\n`);
    const t0 = process.hrtime.bigint();
    const t0Ms = Date.now();
    const stopTicker = ticker(label, t0);
    let close: Child | null = null;
    try {
      const watch = startChild('watch', [BIN, 'watch', ...target, ...common, '--inbox', inbox, '--work', work, '--once']);
      started.push(watch);
      const pool = Array.from({ length: workers }, (_, i) => startChild(`worker-${i + 1}`, [BIN, 'worker', ...target, '--log', path.join(logs, `worker-${i + 1}.log`)]));
      started.push(...pool);
      // A worker gone before the close is a failure (close --wait would wait for ever).
      const workerGone = Promise.race(pool.map((w, i) => w.done.then((r) => ({ w, i, r }))));
      const watched = await Promise.race([watch.done.then((r) => ({ kind: 'watch' as const, r })), workerGone.then((g) => ({ kind: 'worker' as const, g }))]);
      if (watched.kind === 'worker') throw failed(`worker ${watched.g.i + 1}`, watched.g.w, watched.g.r.code ?? watched.g.r.signal);
      if (watched.r.code !== 0) throw failed('watch --once', watch, watched.r.code ?? watched.r.signal);
      close = startChild('close', [BIN, 'close', ...target, ...allocation, '--wait']);
      started.push(close);
      const ended = await Promise.race([close.done.then((r) => ({ kind: 'close' as const, r })), workerGone.then((g) => ({ kind: 'worker' as const, g }))]);
      if (ended.kind === 'worker') throw failed(`worker ${ended.g.i + 1}`, ended.g.w, ended.g.r.code ?? ended.g.r.signal);
      if (ended.r.code !== 0) throw failed('close --wait', close, ended.r.code ?? ended.r.signal);
    } finally {
      stopTicker();
    }
    const seconds = since(t0);
    process.stderr.write(`bench: ${label}: ${seconds.toFixed(2)} s\n`);
    const redisMemory = await redis.memory();
    const pool = started.filter((c) => c !== started[0] && c !== close);
    for (const w of pool) w.child.kill('SIGTERM');
    const peaks = await Promise.all(pool.map(async (w, i) => {
      const r = await w.done;
      if (r.code !== 0) throw failed(`worker ${i + 1} (stopped by SIGTERM)`, w, r.code ?? r.signal);
      return r.rss;
    }));
    const watchPeak = (await started[0]!.done).rss;
    const closePeak = close ? (await close.done).rss : null;
    const phases = jobPhases(logs, t0Ms);
    const known = peaks.filter((p): p is number => p !== null);
    const manifest = path.join(work, 'allocation', 'manifest.json');
    if (!existsSync(manifest)) throw new Error(`${label}: close --wait exited 0 but ${manifest} is missing`);
    return {
      seconds,
      rss: known.length === peaks.length ? Math.max(...known) : null,
      stdout: close?.stdout() ?? '',
      allocation: manifestFiles(readFileSync(manifest, 'utf8')),
      detail: `peak RSS of the worker processes ${peaks.map(megabytes).join(', ')}; watch --once ${megabytes(watchPeak)}, close --wait ${megabytes(closePeak)}; Redis ${redisMemory}${phases}`,
    };
  } finally {
    for (const c of started) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(started.map((c) => c.done));
    await redis.stop();
  }
}

interface Row {
  step: string;
  measured: Measured | null;
  note?: string;
  /** A line under the table. */
  detail?: string;
  load: string;
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** The table's rows for several rounds (same steps in each): medians and ranges, ratios to each round's floor. */
function roundsTable(rounds: readonly (readonly Row[])[], instructions: number): string[] {
  const first = rounds[0] ?? [];
  return first.map((r, k) => {
    const of = rounds.map((rs) => ({ row: rs[k], floor: rs[0]?.measured?.seconds ?? NaN }));
    const measured = of.filter((x) => x.row?.measured).map((x) => ({ seconds: x.row!.measured!.seconds, rss: x.row!.measured!.rss, ratio: x.row!.measured!.seconds / x.floor }));
    const load = of[of.length - 1]?.row?.load ?? '';
    if (measured.length < rounds.length) {
      const note = of.map((x) => x.row?.note).find((n) => n !== undefined) ?? 'failed';
      return `| ${r.step} | ${note} (${rounds.length - measured.length} of ${rounds.length} rounds) | | | | ${load} |`;
    }
    const range = (xs: number[], digits: number, unit = '') => `${median(xs).toFixed(digits)}${unit} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;
    const seconds = measured.map((m) => m.seconds);
    const rss = measured.map((m) => m.rss).filter((x): x is number => x !== null);
    return `| ${r.step} | ${range(seconds, 2, ' s')} | ${thousands(instructions / median(seconds))} | ${megabytes(rss.length > 0 ? Math.max(...rss) : null)} | ${range(measured.map((m) => m.ratio), 2)} | ${load} |`;
  });
}

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
  // Every step's folder is kept until the end: on an ext4 without a journal (this kind of machine's
  // disk), for 30 s after a file is removed its inode is skipped, one check at a time, by every file
  // created in its group, so removing the last step's thousands of files just before a step charged
  // it seconds of system time (docs/performance.md, "Removed files and the next step").
  const runs = path.join(o.dir, `runs-${process.pid}`);
  rmSync(runs, { recursive: true, force: true });
  let round = 1;
  /** A step's folder in this round (the rounds' folders are all kept until the end, like the steps'). */
  const stepDir = (name: string) => path.join(runs, o.rounds > 1 ? `${name}-${round}` : name);
  const copyInbox = (name: string) => {
    const copy = path.join(stepDir(name), 'inbox');
    cpSync(inbox, copy, { recursive: true });
    return copy;
  };
  const common = ['--offering', OFFERING, '--participants', participants];
  const allocation = ['--final-price', PRICE, '--seed', o.seed];
  let rows: Row[] = [];
  const rounds: Row[][] = [];
  /** A step that fails is a row of the table (e.g. out of memory), not the end of the benchmark. */
  const failedRow = (name: string, e: unknown): Row => {
    const reason = (e as Error).message.split('\n').filter((l) => l.trim() !== '').slice(1).find((l) => /error|fault|memory|differ/i.test(l)) ?? 'see stderr';
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return { step: name, measured: null, load: loadAverage(), note: `failed: ${reason.trim().slice(0, 120)}` };
  };
  const step = async (name: string, args: string[]) => {
    try {
      rows.push({ step: name, measured: await measure(name, args), load: loadAverage() });
    } catch (e) {
      rows.push(failedRow(name, e));
    }
  };
  let storeBytes = 0;
  /** The embedded run's allocation files, and where they come from. */
  let reference: { files: string[]; from: string } | null = null;
  const keptReference = path.join(book, RUN_MANIFEST);
  let outputsDiffer = false;
  try {
    for (round = 1; round <= o.rounds; round++) {
      rows = [];
      rounds.push(rows);
      if (o.rounds > 1) process.stderr.write(`bench: round ${round} of ${o.rounds}\n`);
      await step('floor: bare csv-parse of the D lines, one thread', [path.join(__dirname, 'csv-floor.js'), inbox]);
      if (o.steps.has('ingest') || o.steps.has('allocate')) {
        const ingestInbox = copyInbox('ingest');
        const work = path.join(stepDir('ingest'), 'work');
        await step('ingest', [BIN, 'ingest', ...common, '--inbox', ingestInbox, '--work', work]);
        storeBytes = folderBytes(path.join(work, 'store')).bytes;
        if (o.steps.has('allocate')) await step('allocate', [BIN, 'allocate', ...common, '--work', work, ...allocation]);
      }
      if (o.steps.has('run')) {
        const runInbox = copyInbox('run');
        const work = path.join(stepDir('run'), 'work');
        await step('run (ingest, lists closed, then allocate)', [BIN, 'run', ...common, '--inbox', runInbox, '--work', work, ...allocation]);
        const manifest = path.join(work, 'allocation', 'manifest.json');
        if (rows[rows.length - 1]?.measured && existsSync(manifest)) {
          const text = readFileSync(manifest, 'utf8');
          reference = { files: manifestFiles(text), from: 'the run step\'s' };
          writeFileSync(keptReference, text);
        }
      } else if (existsSync(keptReference)) {
        reference = { files: manifestFiles(readFileSync(keptReference, 'utf8')), from: `the run of an earlier bench (${RUN_MANIFEST} in the book's folder)` };
      }
      const modes = BULLMQ_MODES.filter((m) => o.steps.has(m.step));
      const missing = modes.length === 0 ? null : !hasCommand('worker') ? 'this build has no `worker` command (issue 7)' : !onPath('redis-server') ? 'no `redis-server` binary on the PATH' : null;
      for (const mode of modes) {
        if (missing) {
          rows.push({ step: mode.row, measured: null, load: loadAverage(), note: `not measured: ${missing}` });
          continue;
        }
        try {
          const m = await bullmqMode(mode.row, mode.workers, stepDir(mode.step), copyInbox(mode.step), common, allocation);
          let same: string;
          if (reference) {
            const d = differences(m.allocation, reference.files);
            same = d.length === 0 ? `allocation identical to ${reference.from} (${m.allocation.length} files, sha256 in manifest.json)` : `ALLOCATION DIFFERS from ${reference.from}: ${d.join(', ')}`;
            if (d.length > 0) outputsDiffer = true;
          } else {
            reference = { files: m.allocation, from: `the ${mode.step} step's (no run of the embedded pipeline to compare with)` };
            same = `allocation not compared with run (no run step, no ${RUN_MANIFEST} kept): the reference of the next modes`;
          }
          rows.push({ step: mode.row, measured: m, load: loadAverage(), detail: `${mode.row}: ${m.detail}; ${same}` });
        } catch (e) {
          rows.push(failedRow(mode.row, e));
        }
      }
    }
  } finally {
    endChildren();
    rmSync(runs, { recursive: true, force: true });
  }
  const floor = rows[0]?.measured?.seconds ?? NaN;
  const details = rounds.flatMap((rs, i) => rs.filter((r) => r.detail).map((r) => (o.rounds > 1 ? `round ${i + 1}: ${r.detail!}` : r.detail!)));
  const lines = [
    `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
    `book: ${thousands(o.instructions)} instructions in ${thousands(input.files)} files (${(input.bytes / 1e6).toFixed(1)} MB, ${(input.bytes / o.instructions).toFixed(0)} bytes an instruction), seed "${o.seed}", ${generated}: ${book}`,
    '',
    '| step | wall | instructions/s | peak RSS | ratio to the floor | load average after (1, 5, 15 min) |',
    '|---|---|---|---|---|---|',
    ...(o.rounds === 1
      ? rows.map((r) => r.measured
        ? `| ${r.step} | ${r.measured.seconds.toFixed(2)} s | ${thousands(o.instructions / r.measured.seconds)} | ${megabytes(r.measured.rss)} | ${(r.measured.seconds / floor).toFixed(2)} | ${r.load} |`
        : `| ${r.step} | ${r.note} | | | | ${r.load} |`)
      : roundsTable(rounds, o.instructions)),
    '',
    ...(o.rounds > 1 ? [`${o.rounds} rounds in turns: the median of the rounds, their range in brackets; each round's ratio is to its own floor; peak RSS the largest of the rounds; load average after the last round.`, ''] : []),
    ...(details.length > 0 ? ['BullMQ modes: wall from the first command (watch --once, the workers) to the exit of close --wait; peak RSS is the largest worker process\'s.', ...details.map((d) => `- ${d}`), ''] : []),
    ...(storeBytes > 0 ? [`store: ${(storeBytes / 1e6).toFixed(1)} MB, ${(storeBytes / o.instructions).toFixed(0)} bytes an instruction (${(storeBytes / input.bytes).toFixed(2)} times the input)`] : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (outputsDiffer) {
    process.stderr.write('bench: a BullMQ mode wrote another allocation than the embedded run (see the lines under the table)\n');
    process.exitCode = 1;
  }
}

bench().catch((e: unknown) => {
  progress.end();
  endChildren();
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
