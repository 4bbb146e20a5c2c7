/**
 * Payment-run benchmark, run by hand (never by `npm test`):
 *
 *   npm run build && node dist/bench/pay-bench.js [instructions]     (default 1,000,000)
 *   npm run build && node dist/bench/pay-bench.js --work DIR          (a work folder already allocated)
 *
 * Without --work it builds real final allocations with `ccass-batch generate` and `run` (pay
 * takes only a final allocation whose files its manifest vouches for): a book of N instructions
 * and one of a tenth of that (at HK$3.85 every application gets a refund: the unsuccessful all
 * of it, the successful the difference to the maximum price).
 *
 * Each `pay` runs in a child process of its own with V8's heap capped at 64 MB (it would fail if
 * it kept payments in memory), so its peak resident set size is its own:
 * a payment run per instruction, the same batched per participant, a re-issue of 1,000 returned
 * refunds (which replays the whole issuance ledger), and a run over a tenth of the book to show
 * that memory does not grow with the number of payments. The payment file is then validated
 * against the schema with `xmllint --stream`. Prints seconds and megabytes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse';
import { formatCents } from '../money/cents';
import { payRefunds } from '../pipeline/pay';

const ROOT = path.join(__dirname, '..', '..');
const XSD = path.join(ROOT, 'schemas/iso20022/pain.001.001.09.xsd');

const CLI = path.join(ROOT, 'bin', 'ccass-batch.js');
const OFFERING = path.join(ROOT, 'samples', 'offerings', '0020-sensetime-2021.json');

/**
 * A real final allocation of N instructions: `generate` then `run` (pay takes only a book whose
 * allocation is final, its files vouched for by the manifest). Returns the total of the refunds
 * paid automatically (every refunds.csv row but the MANUAL ones), to tie the payment files to.
 */
async function realBook(dir: string, n: number): Promise<{ work: string; cents: bigint; rows: number }> {
  const gen = path.join(dir, 'generated');
  const work = path.join(dir, 'work');
  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`ccass-batch ${args[0]} failed (${r.status}): ${r.stderr}`);
  };
  cli(['generate', '--instructions', String(n), '--seed', 'pay-bench', '--out', gen, '--offering', OFFERING]);
  cli(['run', '--offering', OFFERING, '--participants', path.join(gen, 'participants.csv'), '--inbox', path.join(gen, 'inbox'), '--work', work, '--final-price', '3.85', '--seed', 'pay-bench']);
  rmSync(gen, { recursive: true, force: true });
  let cents = 0n;
  let rows = 0;
  for await (const r of createReadStream(path.join(work, 'allocation', 'refunds.csv')).pipe(parse({ columns: true })) as AsyncIterable<Record<string, string>>) {
    rows++;
    if (r.method !== 'MANUAL') cents += BigInt(r.amount!.replace('.', ''));
  }
  return { work, cents, rows };
}

interface ChildResult { seconds: number; cpuSeconds: number; peakRssMb: number; report: { this_run: { refunds: number; amount: string }; payment_files: { name: string; transactions: number; control_sum: string }[]; cheque_register: { amount: string }; ledger: { issued: { refunds: number; amount: string } } } }

/** V8's old generation is capped for every pay: a run that needed memory in proportion to its payments would fail. */
const HEAP_CAP_MB = 64;

/** One pay in a child process (its own peak RSS). */
function payInChild(work: string, out: string, extra: string[]): ChildResult {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, __filename, '--child', work, out, ...extra], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`pay failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

async function child(work: string, out: string, extra: string[]): Promise<void> {
  const opt = (name: string) => (extra.includes(name) ? extra[extra.indexOf(name) + 1]! : null);
  const start = process.hrtime.bigint();
  const returned = opt('--returned');
  const result = await payRefunds({
    work, out, debtorName: 'Registrar Refund Account', debtorAccount: '004-500-123456789', debtorBic: null,
    batchBy: opt('--batch-by') === 'participant' ? 'participant' : 'instruction', createdAt: '2021-12-28T17:30:00+08:00',
    valueDate: opt('--value-date'), cheques: { first: opt('--cheque-start') ?? '1000000', last: null }, only: null,
    returned: returned ? readFileSync(returned, 'utf8').trim().split('\n').slice(1).map((id) => ({ id, reason: 'AC04' })) : null,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024, report: result.report }));
}

/** Recounts a payment file from its bytes (streamed): transactions and the sum of InstdAmt, against its group header. */
async function recount(file: string): Promise<{ transactions: number; sum: string; header: string }> {
  let tail = '';
  let header = '';
  let transactions = 0;
  let cents = 0n;
  const amount = /<InstdAmt Ccy="[A-Z]{3}">([0-9]+)\.([0-9]{2})<\/InstdAmt>/g;
  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
    const text = tail + (chunk as string);
    if (header === '') {
      const m = /<GrpHdr>[\s\S]*?<NbOfTxs>([0-9]+)<\/NbOfTxs>\s*<CtrlSum>([0-9.]+)<\/CtrlSum>/.exec(text);
      if (m) header = `${m[1]} ${m[2]}`;
    }
    let last = 0;
    for (const m of text.matchAll(amount)) {
      transactions += 1;
      cents += BigInt(m[1]! + m[2]!);
      last = m.index! + m[0].length;
    }
    tail = text.slice(Math.max(last, text.length - 200));
  }
  return { transactions, sum: formatCents(cents), header };
}

function line(what: string, r: ChildResult): string {
  const files = r.report.payment_files.map((f) => `${f.name} ${f.transactions} transactions, control sum ${f.control_sum}`).join('; ');
  return `${what}: ${r.seconds.toFixed(2)} s (${r.cpuSeconds.toFixed(2)} s of CPU), peak RSS ${r.peakRssMb.toFixed(0)} MB (heap capped at ${HEAP_CAP_MB} MB); ${r.report.this_run.refunds} refunds, ${r.report.this_run.amount}; ${files}; cheques ${r.report.cheque_register.amount}\n`;
}

async function bench(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!, args.slice(3));
  const tmp = mkdtempSync(path.join(tmpdir(), 'pay-bench-'));
  const say = (t: string) => process.stdout.write(t);
  try {
    let work: string;
    let expected: string | null = null;
    if (args[0] === '--work') {
      work = path.join(tmp, 'work');
      cpSync(args[1]!, work, { recursive: true });
      rmSync(path.join(work, 'treasury'), { recursive: true, force: true });
      say(`work folder ${args[1]} (copied)\n`);
    } else {
      const n = Number(args[0] ?? 1_000_000);
      const t0 = Date.now();
      const big = await realBook(path.join(tmp, 'big'), n);
      work = big.work;
      expected = formatCents(big.cents);
      say(`book: ${n} instructions through generate + run: refunds.csv ${big.rows} rows, ${(statSync(path.join(work, 'allocation/refunds.csv')).size / 1e6).toFixed(0)} MB, paid automatically ${expected}, in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      const small = await realBook(path.join(tmp, 'small'), Math.max(1000, Math.floor(n / 10)));
      say(line(`pay, a tenth of the book (${small.rows} refunds), per instruction`, payInChild(small.work, path.join(tmp, 'out-small'), [])));
    }
    const batchedWork = path.join(tmp, 'work-batched');
    cpSync(work, batchedWork, { recursive: true });
    const a = payInChild(work, path.join(tmp, 'out-1'), []);
    say(line('pay, per instruction', a));
    if (expected !== null && a.report.ledger.issued.amount !== expected) throw new Error(`issued ${a.report.ledger.issued.amount}, refunds.csv ${expected}`);
    const tie = (r: ChildResult, what: string) => {
      const total = r.report.payment_files.reduce((s, f) => s + BigInt(f.control_sum.replace('.', '')), BigInt(r.report.cheque_register.amount.replace('.', '')));
      if (expected !== null && formatCents(total) !== expected) throw new Error(`${what}: payment files + cheques ${formatCents(total)}, refunds.csv ${expected}`);
      if (expected !== null) say(`${what}: payment files + cheque register = ${formatCents(total)} = refunds.csv\n`);
    };
    tie(a, 'per instruction');
    for (const f of a.report.payment_files) {
      const file = path.join(tmp, 'out-1', f.name);
      const t1 = Date.now();
      const c = await recount(file);
      if (c.header !== `${c.transactions} ${c.sum}` || c.sum !== f.control_sum) throw new Error(`${f.name}: header ${c.header}, counted ${c.transactions} ${c.sum}`);
      say(`${f.name} recounted from its bytes: ${c.transactions} transactions, sum ${c.sum} = NbOfTxs and CtrlSum (${((Date.now() - t1) / 1000).toFixed(1)} s)\n`);
      const t0 = Date.now();
      const v = spawnSync('xmllint', ['--noout', '--stream', '--schema', XSD, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
      say(`xmllint --stream --schema ${f.name} (${(statSync(file).size / 1e6).toFixed(0)} MB): ${v.status === 0 ? 'valid' : `INVALID ${v.stderr.slice(0, 300)}`} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    const batched = payInChild(batchedWork, path.join(tmp, 'out-batched'), ['--batch-by', 'participant']);
    say(line('pay, batched per participant', batched));
    tie(batched, 'batched');
    const returned = path.join(tmp, 'returned.csv');
    const automatic = a.report.ledger.issued.refunds;
    const refs = Array.from({ length: Math.min(1000, automatic) }, (_, i) => `R${String(1 + Math.floor((i * automatic) / Math.min(1000, automatic))).padStart(8, '0')}`);
    writeFileSync(returned, ['refund_ref', ...refs].join('\n') + '\n');
    say(line('pay, re-issue of 1,000 returned refunds (replays the ledger)', payInChild(work, path.join(tmp, 'out-2'), ['--returned', returned, '--value-date', '2022-01-06', '--cheque-start', '2000000'])));
    if (!existsSync(path.join(work, 'treasury/runs/0002/complete.json'))) throw new Error('run 2 did not complete');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

bench().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
