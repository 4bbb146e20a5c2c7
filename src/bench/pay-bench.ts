/**
 * Payment-run benchmark, run by hand (never by `npm test`):
 *
 *   npm run build && node dist/bench/pay-bench.js [refunds]          (default 1,000,000)
 *   npm run build && node dist/bench/pay-bench.js --work DIR          (a work folder already allocated)
 *   npm run build && node dist/bench/pay-bench.js --synthesise DIR [refunds]   (only write the folder, e.g. to profile)
 *
 * Without --work it synthesises an allocation folder directly: refunds.csv with N ledger rows
 * (10 MANUAL; the rest direct credits to 500 CCASS participants, e-Refunds and cheques of the
 * White Form provider, amounts 1.00 to 1,000,000.00), and the manifest.json and summary.json that
 * tie to it. With a `generate` command (issue 9a), make a real book instead and pass its folder:
 *   ccass-batch generate ... && ccass-batch run ... --work DIR && node dist/bench/pay-bench.js --work DIR
 *
 * Each `pay` runs in a child process of its own with V8's heap capped at 64 MB (it would fail if
 * it kept payments in memory), so its peak resident set size is its own:
 * a payment run per instruction, the same batched per participant, a re-issue of 1,000 returned
 * refunds (which replays the whole issuance ledger), and a run over a tenth of the book to show
 * that memory does not grow with the number of payments. The payment file is then validated
 * against the schema with `xmllint --stream`. Prints seconds and megabytes.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { formatCents } from '../money/cents';
import { REFUND_COLUMNS } from '../refund/output-columns';
import { formatCsvRecord } from '../treasury/csv-record';
import { payRefunds } from '../pipeline/pay';

const ROOT = path.join(__dirname, '..', '..');
const XSD = path.join(ROOT, 'schemas/iso20022/pain.001.001.09.xsd');
const MANUAL = 10;

/** Writes <work>/allocation/{refunds.csv,summary.json,manifest.json}; returns the automatic total. */
function synthesise(work: string, rows: number): { cents: bigint; automatic: number } {
  const dir = path.join(work, 'allocation');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'refunds.csv');
  const fd = openSync(file, 'w');
  const hash = createHash('sha256');
  let bytes = 0;
  let buf = REFUND_COLUMNS.join(',') + '\n';
  const flush = (force: boolean) => {
    if (!force && buf.length < 1 << 20) return;
    const b = Buffer.from(buf, 'utf8');
    hash.update(b);
    bytes += b.length;
    writeSync(fd, b);
    buf = '';
  };
  const cells = (o: Partial<Record<(typeof REFUND_COLUMNS)[number], string>>) => REFUND_COLUMNS.map((c) => o[c] ?? '');
  for (let m = 1; m <= MANUAL; m++) {
    buf += formatCsvRecord(cells({ refund_ref: `M${String(m).padStart(8, '0')}`, participant_id: 'P0001', instruction_ref: `MAN-${m}`, channel: 'CLEARING', method: 'MANUAL', payee_account: '004-001-000000001', payee_name: 'Participant 1 Securities Limited', reason: 'REJECTED', file_seq: '1', line: String(m + 1), currency: 'HKD', value_date: '2021-12-29', reason_code: 'AMOUNT_INVALID', manual_reason: 'AMOUNT_NOT_MONEY', amount_paid_text: '12,00' }));
  }
  const automatic = rows - MANUAL;
  const direct = Math.floor(automatic * 0.7);
  let cents = 0n;
  let seed = 12345;
  for (let i = 1; i <= automatic; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const amount = BigInt(100 + (seed % 99_999_900));
    cents += amount;
    const ref = `R${String(i).padStart(8, '0')}`;
    const common = { refund_ref: ref, amount: formatCents(amount), reason: i % 3 === 0 ? 'PARTIAL' : 'UNSUCCESSFUL', file_seq: '1', line: String(i + 1), currency: 'HKD', value_date: '2021-12-29' };
    if (i <= direct) {
      const p = Math.floor(((i - 1) * 500) / direct) + 1;
      const id = `P${String(p).padStart(4, '0')}`;
      buf += formatCsvRecord(cells({ ...common, participant_id: id, instruction_ref: `I${i}`, channel: 'CLEARING', method: 'DIRECT_CREDIT', payee_account: `004-${String(p % 1000).padStart(3, '0')}-${String(100000000 + p)}`, payee_name: `Participant ${p} Securities Limited` }));
    } else {
      const cheque = i % 3 === 0;
      buf += formatCsvRecord(cells({
        ...common, participant_id: 'WFE001', instruction_ref: `W${i}`, channel: 'WHITE_FORM', method: cheque ? 'CHEQUE' : 'E_REFUND',
        payee_account: cheque ? '' : `012-345-${String(100000 + (i % 899999))}`, payee_name: i % 2 ? `CHAN Tai Man ${i}` : '陳小明',
      }));
    }
    flush(false);
  }
  flush(true);
  closeSync(fd);
  const summary = JSON.stringify({ offering: { stock_code: '0020', issuer: 'Bench Holdings Limited' }, money: { total: { amount_refunded: formatCents(cents), manual_refunds: MANUAL } } }, null, 2) + '\n';
  writeFileSync(path.join(dir, 'summary.json'), summary);
  const manifest = {
    stock_code: '0020',
    files: [
      { name: 'refunds.csv', rows, bytes, sha256: hash.digest('hex') },
      { name: 'summary.json', rows: 1, bytes: Buffer.byteLength(summary), sha256: createHash('sha256').update(summary).digest('hex') },
    ],
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { cents, automatic };
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
  if (args[0] === '--synthesise') {
    synthesise(args[1]!, Number(args[2] ?? 1_000_000));
    return;
  }
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
      const rows = Number(args[0] ?? 1_000_000);
      work = path.join(tmp, 'work');
      const t0 = Date.now();
      const s = synthesise(work, rows);
      expected = formatCents(s.cents);
      say(`synthesised refunds.csv: ${rows} rows (${MANUAL} manual), ${(statSync(path.join(work, 'allocation/refunds.csv')).size / 1e6).toFixed(0)} MB, total ${expected}, in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      const small = path.join(tmp, 'small');
      synthesise(small, Math.max(MANUAL + 1, Math.floor(rows / 10)));
      say(line(`pay, a tenth of the book (${Math.floor(rows / 10)} rows), per instruction`, payInChild(small, path.join(tmp, 'out-small'), [])));
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
