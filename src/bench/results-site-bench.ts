/**
 * Results site benchmark, run by hand (never by `npm test`):
 *   npm run build && node --expose-gc dist/bench/results-site-bench.js [applications] [seconds] [connections]
 * Defaults: 1,000,000 applications, 15 s per run, 32 connections.
 *
 * 1. A book of N applications: when the CLI has a `generate` command, through `generate` and `run`
 *    (the real pipeline); until then the bench writes the allocation output files itself
 *    (results.csv, refunds.csv, basis-of-allocation.csv, summary.json and a manifest.json that
 *    vouches for them), with the shapes `run` writes: 90% sole and 10% joint applicants, HKIDs with
 *    valid check digits and some passports, about half allotted, the rest balloted out or rejected,
 *    a refund row for every application that has one.
 * 2. The index in this process: load time and memory (heap + array buffers, after GC) per application.
 *    Then served = files (pipeline/verify-site.ts): every application looked up under each of its
 *    documents through the site's own answer function and compared field by field with the files;
 *    one difference fails the bench (exit code 1) before the server is started.
 * 3. `ccass-batch serve` as a child process (rate limits raised out of the way, logs to a file):
 *    time to listening, its RSS; then autocannon on loopback against random EXISTING numbers, then
 *    random valid NON-EXISTING ones: requests/s, p50/p99/max latency, status codes; RSS again.
 * Prints the figures and a Markdown table row for docs/performance.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { buildProgram } from '../cli/main';
import { loadOfferingFile } from '../io/config-files';
import { loadResultsSite } from '../pipeline/publication';
import { checkServedResults, servedCheckDetails, servedCheckLine } from '../pipeline/verify-site';
import { amountPayableText } from '../money/amount-payable';
import { hkidCheckDigit } from '../validate/hkid';

const ROOT = path.join(__dirname, '..', '..');
const OFFERING = path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json');
const CLI = path.join(ROOT, 'bin/ccass-batch.js');
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Identity space 26 letters x 1,000,000: a permutation spreads numbers over it; the first ones are used, later ones never are. */
const SPACE = 26_000_000;
const STEP = 7_368_787; // coprime with 26,000,000 = 2^7 x 5^6 x 13

function hkidNumber(i: number): string {
  const k = (i * STEP) % SPACE;
  const letter = LETTERS[k % 26]!;
  const digits = String(Math.floor(k / 26)).padStart(6, '0');
  return `${letter}${digits}${hkidCheckDigit(letter, digits)}`;
}

/** A small seeded generator (mulberry32): the same book every time. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class HashedFile {
  private readonly out;
  private readonly hash = createHash('sha256');
  bytes = 0;
  rows = -1;
  private buf = '';
  constructor(readonly file: string) {
    this.out = createWriteStream(file);
  }
  line(text: string): void {
    this.buf += `${text}\n`;
    this.rows += 1;
    if (this.buf.length > 1 << 20) this.flush();
  }
  private flush(): void {
    const b = Buffer.from(this.buf, 'utf8');
    this.hash.update(b);
    this.bytes += b.length;
    this.out.write(b);
    this.buf = '';
  }
  async close(): Promise<{ name: string; rows: number; bytes: number; sha256: string }> {
    this.flush();
    await new Promise<void>((resolve) => this.out.end(resolve));
    return { name: path.basename(this.file), rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/** Writes allocation output files for n applications; returns the identity numbers used (HKID only, for lookups). */
async function synthesiseBook(work: string, n: number): Promise<BenchBook> {
  const dir = path.join(work, 'allocation');
  mkdirSync(dir, { recursive: true });
  const offering = loadOfferingFile(OFFERING);
  const random = rng(20211229);
  const results = new HashedFile(path.join(dir, 'results.csv'));
  const refunds = new HashedFile(path.join(dir, 'refunds.csv'));
  results.line('participant_id,instruction_ref,channel,applicant_ids,pool,shares_applied,shares_allotted,status,reason_code');
  refunds.line('refund_ref,participant_id,instruction_ref,channel,method,payee_account,payee_name,amount,reason');
  const quantities = offering.permitted_quantities.slice(0, 12);
  const existing: string[] = [];
  let nextId = 0;
  let refundSeq = 0;
  const perParticipant = Math.ceil(n / 500);
  const counts = { valid: 0, successful: 0, unsuccessful: 0, rejected: 0, demand: 0, allotted: 0 };
  for (let i = 0; i < n; i++) {
    const p = Math.floor(i / perParticipant);
    const channel = p % 10 === 9 ? 'WHITE_FORM' : p % 10 === 8 ? 'INVESTOR' : 'CLEARING';
    const participant = `${channel === 'WHITE_FORM' ? 'WFE' : channel === 'INVESTOR' ? 'INV' : 'BRK'}${String(p).padStart(4, '0')}`;
    const ref = `R${String(i).padStart(8, '0')}`;
    const ids: string[] = [];
    const applicants = random() < 0.1 ? 2 : 1;
    for (let a = 0; a < applicants; a++) {
      if (random() < 0.03) ids.push(`PASSPORT:K${String(nextId++).padStart(8, '0')}`);
      else {
        const id = hkidNumber(nextId++);
        ids.push(`HKID:${id}`);
        if (existing.length < 200_000) existing.push(id);
      }
    }
    const shares = quantities[Math.floor(random() * quantities.length)]!;
    const paid = amountPayableText(shares, '3.99', offering.fees);
    const r = random();
    let status: string;
    let allotted = 0;
    let reason = '';
    let refundReason = '';
    let refundAmount = paid;
    if (r < 0.03) {
      status = 'REJECTED';
      reason = 'OUTSIDE_WINDOW';
      refundReason = 'REJECTED';
      counts.rejected += 1;
    } else if (r < 0.5) {
      status = 'UNSUCCESSFUL';
      refundReason = 'UNSUCCESSFUL';
      counts.unsuccessful += 1;
    } else {
      status = 'ALLOTTED';
      allotted = r < 0.8 ? shares : offering.board_lot;
      const kept = amountPayableText(allotted, '3.85', offering.fees);
      refundAmount = (Number(paid.replace('.', '')) - Number(kept.replace('.', ''))).toString().padStart(3, '0').replace(/(\d\d)$/, '.$1');
      refundReason = allotted === shares ? 'PRICE_ADJUSTMENT' : 'PARTIAL';
      counts.successful += 1;
    }
    if (status !== 'REJECTED') {
      counts.valid += 1;
      counts.demand += shares;
      counts.allotted += allotted;
    }
    results.line(`${participant},${ref},${channel},${ids.join(';')},${status === 'REJECTED' ? '' : 'A'},${shares},${allotted},${status},${reason}`);
    const method = channel === 'WHITE_FORM' ? (random() < 0.5 ? 'E_REFUND' : 'CHEQUE') : 'DIRECT_CREDIT';
    refunds.line(`R${String(++refundSeq).padStart(8, '0')},${participant},${ref},${channel},${method},004-001-000123456,Payee ${p},${refundAmount},${refundReason}`);
  }
  const basis = new HashedFile(path.join(dir, 'basis-of-allocation.csv'));
  basis.line('pool,shares_applied,valid_applications,basis,approx_pct_allotted');
  for (const q of quantities) basis.line(`A,${q},${Math.round(counts.valid / quantities.length)},"${q.toLocaleString('en-US')} shares",100.00`);
  const summary = JSON.parse(readFileSync(path.join(ROOT, 'samples/expected/allocation/summary.json'), 'utf8')) as Record<string, any>;
  summary.instructions = { total: n, valid: counts.valid, rejected: counts.rejected, rejected_by_reason: { OUTSIDE_WINDOW: counts.rejected } };
  summary.applications = { valid: counts.valid, successful: counts.successful, unsuccessful: counts.unsuccessful };
  summary.demand_shares = counts.demand;
  summary.manual_refunds = [];
  const summaryText = JSON.stringify(summary, null, 2) + '\n';
  writeFileSync(path.join(dir, 'summary.json'), summaryText);
  const files = [await results.close(), await basis.close(), await refunds.close(),
    { name: 'summary.json', rows: 1, bytes: Buffer.byteLength(summaryText), sha256: createHash('sha256').update(summaryText).digest('hex') }];
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ stock_code: '0020', files }, null, 2) + '\n');
  // Numbers past the last one used: in no application.
  return { existing, absent: Array.from({ length: ABSENT_NUMBERS }, (_, i) => hkidNumber(nextId + 1000 + i)) };
}

/** The numbers the load asks for: some of those in the book, and as many in none of its applications. */
interface BenchBook {
  existing: string[];
  absent: string[];
}

const ABSENT_NUMBERS = 100_000;

/** A book kept by BENCH_KEEP (one kept before `absent` was recorded: its absent numbers from `unusedFrom`, as then). */
function keptBook(b: BenchBook & { unusedFrom?: number }): BenchBook {
  return { existing: b.existing, absent: b.absent ?? Array.from({ length: ABSENT_NUMBERS }, (_, i) => hkidNumber((b.unusedFrom ?? 0) + 1000 + i)) };
}

/** Builds the book through `generate` and `run` (when the CLI has `generate`); the numbers searched come from results.csv. */
function generatedBook(work: string, n: number): BenchBook {
  const gen = path.join(work, 'generated');
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`ccass-batch ${args[0]} exited ${r.status}`);
  };
  run(['generate', '--instructions', String(n), '--seed', 'bench', '--out', gen, '--offering', OFFERING]);
  run(['run', '--offering', OFFERING, '--participants', path.join(gen, 'participants.csv'), '--inbox', path.join(gen, 'inbox'), '--work', work, '--final-price', '3.85', '--seed', 'bench']);
  const existing: string[] = [];
  const all = new Set<string>();
  for (const line of readFileSync(path.join(work, 'allocation/results.csv'), 'utf8').split('\n')) {
    for (const m of line.matchAll(/HKID:([A-Z0-9]+)/g)) {
      all.add(m[1]!);
      if (existing.length < 200_000) existing.push(m[1]!);
    }
  }
  // Numbers from the far end of the bench's own permutation, but any the generated book holds by
  // chance (they would answer 200 in the run of absent numbers).
  const absent: string[] = [];
  for (let i = SPACE - 300_000; absent.length < ABSENT_NUMBERS; i++) {
    const id = hkidNumber(i);
    if (!all.has(id)) absent.push(id);
  }
  return { existing, absent };
}

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function load(base: string, paths: string[], seconds: number, connections: number, title: string): Promise<autocannon.Result> {
  let i = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
  });
  const codes = Object.entries((result as unknown as { statusCodeStats: Record<string, { count: number }> }).statusCodeStats ?? {}).map(([c, s]) => `${c}: ${s.count}`).join(', ');
  process.stdout.write(`${title}: ${Math.round(result.requests.average)} requests/s (${result.requests.total} in ${seconds} s), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; status ${codes}; errors ${result.errors}, timeouts ${result.timeouts}\n`);
  return result;
}

async function bench(): Promise<void> {
  const n = Number(process.argv[2] ?? 1_000_000);
  const seconds = Number(process.argv[3] ?? 15);
  const connections = Number(process.argv[4] ?? 32);
  // BENCH_KEEP=DIR keeps the book (and reuses it when it is there already).
  const keep = process.env.BENCH_KEEP;
  const tmp = keep ?? mkdtempSync(path.join(tmpdir(), 'results-site-bench-'));
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    const work = path.join(tmp, 'work');
    const hasGenerate = buildProgram({ stdout: () => undefined, stderr: () => undefined }).commands.some((c) => c.name() === 'generate');
    const started = Date.now();
    const reuse = keep !== undefined && existsSync(path.join(work, 'bench-book.json'));
    const book = reuse ? keptBook(JSON.parse(readFileSync(path.join(work, 'bench-book.json'), 'utf8')) as BenchBook & { unusedFrom?: number })
      : hasGenerate ? generatedBook(work, n) : await synthesiseBook(work, n);
    if (keep !== undefined) writeFileSync(path.join(work, 'bench-book.json'), JSON.stringify(book));
    process.stdout.write(`book: ${n} applications ${reuse ? 'reused from BENCH_KEEP' : hasGenerate ? 'through generate + run' : 'synthesised as allocation output files (no generate command yet)'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    const settle = async () => {
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 50));
        gc?.();
      }
      return process.memoryUsage();
    };
    const before = await settle();
    const site = await loadResultsSite(work, loadOfferingFile(OFFERING));
    const after = await settle();
    const held = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
    process.stdout.write(`index: ${site.index.applications} applications, ${site.index.identities} identity documents, loaded (manifest check + index) in ${site.loadSeconds.toFixed(2)} s; ` +
      `typed arrays ${(site.index.bytes / 1048576).toFixed(1)} MB, heap + array buffers held ${(held / 1048576).toFixed(1)} MB = ${Math.round(held / n)} bytes an application${gc ? '' : ' (run with --expose-gc for exact figures)'}\n`);

    const check = await checkServedResults(site.publishable.dir, site);
    const own = rssMb(process.pid);
    process.stdout.write(`${servedCheckLine(check)}\n${servedCheckDetails(check).map((l) => `  ${l}`).join('\n')}\n  bench process RSS ${own.rss.toFixed(0)} MB after the check (peak ${own.peak.toFixed(0)} MB, index included)\n`);
    if (check.mismatches > 0) {
      process.exitCode = 1;
      return;
    }

    const spawnedAt = Date.now();
    const server = spawn(process.execPath, [CLI, 'serve', '--work', work, '--offering', OFFERING, '--port', '0', '--clock', '2021-12-29T09:00',
      '--searches-per-minute', '1000000000', '--pages-per-minute', '1000000000', '--log', path.join(tmp, 'serve.log')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const base = await new Promise<string>((resolve, reject) => {
      server.stdout!.on('data', (d) => {
        out += String(d);
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const startup = (Date.now() - spawnedAt) / 1000;
    const idle = rssMb(server.pid!);
    process.stdout.write(`serve: listening ${startup.toFixed(2)} s after start; RSS ${idle.rss.toFixed(0)} MB (peak while loading ${idle.peak.toFixed(0)} MB)\n`);

    const pick = rng(7);
    const existing = Array.from({ length: 100_000 }, () => `/api/results?id_type=HKID&id=${book.existing[Math.floor(pick() * book.existing.length)]}`);
    const missing = book.absent.map((id) => `/api/results?id_type=HKID&id=${id}`);
    await load(base, existing.slice(0, 2000), 3, connections, 'warm-up');
    const hit = await load(base, existing, seconds, connections, 'existing IDs');
    const miss = await load(base, missing, seconds, connections, 'non-existing IDs');
    const loaded = rssMb(server.pid!);
    process.stdout.write(`serve: RSS after the runs ${loaded.rss.toFixed(0)} MB (peak ${loaded.peak.toFixed(0)} MB)\n`);
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
    process.stdout.write(`\n| ${n.toLocaleString('en-US')} | ${site.loadSeconds.toFixed(1)} s | ${startup.toFixed(1)} s | ${Math.round(held / n)} B | ${idle.rss.toFixed(0)} MB | ` +
      `${Math.round(hit.requests.average)} /s, p99 ${hit.latency.p99} ms | ${Math.round(miss.requests.average)} /s, p99 ${miss.latency.p99} ms | ${loaded.rss.toFixed(0)} MB |\n`);
  } finally {
    if (keep === undefined) rmSync(tmp, { recursive: true, force: true });
  }
}

bench().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
