/**
 * Golden case `test/golden/clawback-oversubscribed/` (see its README.md): a ~45x subscribed book
 * (15x clawback tier, tranche 450,000,000), both pools oversubscribed and balloted, run through the
 * real CLI (`ccass-batch run`, ingest then allocate) at final price 3.90 with seed clawback-2021.
 * Every acknowledgement (outbox/) and every allocation file (allocation/) must equal
 * expected/ byte for byte.
 *
 * Besides the byte comparison, the hard rules of the ballot and the money are re-checked here
 * independently of the allocation code, from the produced CSV files and the inbox alone.
 *
 * The inbox is written by scripts/make-clawback-book.ts. The expected files are regenerated only on
 * purpose, and the diff reviewed in the commit:
 *   UPDATE_GOLDEN=1 npx jest test/golden/clawback-oversubscribed.test.ts
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import Decimal from 'decimal.js';
import { compareTrees, copyInbox, OFFERING, PARTICIPANTS, readTree, ROOT, runCli, tempDir } from '../unit/refund/cli-harness';

const CASE = path.join(ROOT, 'test/golden/clawback-oversubscribed');
const INBOX = path.join(CASE, 'input/inbox');
const EXPECTED = path.join(CASE, 'expected');
const FINAL_PRICE = '3.90';
const SEED = 'clawback-2021';
const LOT = 1000;
const ALLOCATION_FILES = ['basis-of-allocation.csv', 'ccass-deposits.csv', 'certificates.csv', 'manifest.json', 'refunds-summary.csv', 'refunds.csv', 'results.csv', 'summary.json'];

type Row = Record<string, string>;
const readCsv = (bytes: Buffer | string): Row[] => parse(bytes, { columns: true, skip_empty_lines: false }) as Row[];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** `outbox/...` and `allocation/...` relative paths with their bytes. */
  tree: Map<string, Buffer>;
}

const temps: string[] = [];
async function runCase(inboxFrom: string, shuffle: boolean): Promise<Run> {
  const work = tempDir('clawback-work');
  const inbox = tempDir('clawback-inbox');
  temps.push(work, inbox);
  expect(copyInbox(inboxFrom, inbox, shuffle)).toBe(11);
  const r = await runCli([
    'run', '--offering', OFFERING, '--participants', PARTICIPANTS, '--inbox', inbox, '--work', work,
    '--final-price', FINAL_PRICE, '--seed', SEED,
  ]);
  const tree = new Map<string, Buffer>();
  for (const sub of ['outbox', 'allocation']) for (const [name, bytes] of readTree(path.join(work, sub))) tree.set(`${sub}/${name}`, bytes);
  return { ...r, tree };
}

const file = (run: Run, name: string): Buffer => {
  const bytes = run.tree.get(`allocation/${name}`);
  if (!bytes) throw new Error(`allocation/${name} was not written`);
  return bytes;
};

/** The amount payable (spec: consideration plus each fee rounded half-up to the cent on its own), recomputed here. */
const offeringJson = JSON.parse(readFileSync(OFFERING, 'utf8')) as { price: { maximum: string }; fees: { rate: string }[] };
function payable(shares: number, price: string): Decimal {
  const consideration = new Decimal(price).times(shares);
  return offeringJson.fees.reduce((sum, f) => sum.plus(consideration.times(f.rate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)), consideration);
}

/** participant/ref -> amount paid as given in the inbox D records. */
function amountsPaid(): Map<string, string> {
  const paid = new Map<string, string>();
  for (const participant of readdirSync(INBOX).sort()) {
    for (const name of readdirSync(path.join(INBOX, participant)).sort()) {
      const records = parse(readFileSync(path.join(INBOX, participant, name)), { relax_column_count: true }) as string[][];
      const header = records[0]!;
      for (const r of records) if (r[0] === 'D') paid.set(`${header[3]}/${r[1]}`, r[8]!);
    }
  }
  return paid;
}

let golden: Run;
beforeAll(async () => {
  golden = await runCase(INBOX, false);
}, 30_000);
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('golden: clawback-oversubscribed through ccass-batch run', () => {
  test('the run succeeds and every acknowledgement and allocation file matches expected/ byte for byte', () => {
    expect(golden.stderr).toBe('');
    expect(golden.code).toBe(0);
    expect([...golden.tree.keys()].filter((n) => n.startsWith('allocation/')).sort()).toEqual(ALLOCATION_FILES.map((n) => `allocation/${n}`));
    expect([...golden.tree.keys()].filter((n) => n.startsWith('outbox/'))).toHaveLength(11);

    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(EXPECTED, { recursive: true, force: true });
      for (const [name, bytes] of golden.tree) {
        mkdirSync(path.dirname(path.join(EXPECTED, name)), { recursive: true });
        writeFileSync(path.join(EXPECTED, name), bytes);
      }
    }
    expect(existsSync(EXPECTED)).toBe(true);
    expect(compareTrees(golden.tree, readTree(EXPECTED))).toEqual([]);
  });

  test('the book is what the case claims: 15x clawback, both pools oversubscribed, every refund reason', () => {
    const summary = JSON.parse(file(golden, 'summary.json').toString('utf8'));
    expect(summary.final_price).toBe(FINAL_PRICE);
    expect(summary.draw.seed).toBe(SEED);
    expect(summary.clawback).toEqual({ min_multiple: 15, hong_kong_pct: '30' });
    expect(Number(summary.subscription_multiple)).toBeGreaterThanOrEqual(15);
    expect(Number(summary.subscription_multiple)).toBeLessThan(50);
    expect(summary.hong_kong_tranche).toEqual({ initial_shares: 150_000_000, final_shares: 450_000_000, shortfall_to_international_shares: 0 });
    for (const pool of ['A', 'B']) {
      expect(summary.pools[pool].size_shares).toBe(225_000_000);
      expect(summary.pools[pool].oversubscribed).toBe(true);
      expect(summary.pools[pool].demand_shares).toBeGreaterThan(2 * summary.pools[pool].size_shares);
    }
    expect(summary.instructions.rejected_by_reason).toEqual({ MULTIPLE_APPLICATION: 6 });
    expect(summary.applications.unsuccessful).toBeGreaterThan(0);

    const basis = readCsv(file(golden, 'basis-of-allocation.csv'));
    expect(basis.some((r) => r.pool === 'A' && /^[\d,]+ out of [\d,]+ applicants to receive 1,000 shares$/.test(r.basis!))).toBe(true);
    for (const pool of ['A', 'B']) expect(basis.some((r) => r.pool === pool && r.basis!.includes(' plus '))).toBe(true);

    const refunds = readCsv(file(golden, 'refunds.csv'));
    expect(new Set(refunds.map((r) => r.reason))).toEqual(new Set(['REJECTED', 'UNSUCCESSFUL', 'PARTIAL', 'PRICE_ADJUSTMENT']));
    expect(new Set(refunds.map((r) => r.method))).toEqual(new Set(['DIRECT_CREDIT', 'E_REFUND', 'CHEQUE']));
    const certificates = readCsv(file(golden, 'certificates.csv'));
    expect(new Set(certificates.map((r) => r.delivery))).toEqual(new Set(['POST', 'COLLECT']));
    expect(new Set(readCsv(file(golden, 'results.csv')).map((r) => r.channel))).toEqual(new Set(['CLEARING', 'CUSTODIAN', 'INVESTOR', 'WHITE_FORM']));
  });

  test('hard rules hold on the produced results and basis (re-checked without the allocation code)', () => {
    const summary = JSON.parse(file(golden, 'summary.json').toString('utf8'));
    const results = readCsv(file(golden, 'results.csv'));
    const basis = readCsv(file(golden, 'basis-of-allocation.csv'));
    const valid = results.filter((r) => r.status !== 'REJECTED');

    // Per pool: allotted == pool size.
    for (const pool of ['A', 'B']) {
      const allotted = valid.filter((r) => r.pool === pool).reduce((s, r) => s + Number(r.shares_allotted), 0);
      expect(allotted).toBe(summary.pools[pool].size_shares);
    }
    // Per application (problems collected, so ~9,500 rows cost one assertion).
    const problems: string[] = [];
    for (const r of results) {
      const key = `${r.participant_id}/${r.instruction_ref}`;
      const applied = Number(r.shares_applied);
      const allotted = Number(r.shares_allotted);
      if (!Number.isInteger(allotted) || allotted < 0 || allotted % LOT !== 0) problems.push(`${key}: ${r.shares_allotted} is not whole lots`);
      if (allotted > applied) problems.push(`${key}: allotted ${allotted} > applied ${applied}`);
      const status = r.status === 'REJECTED' ? 'REJECTED' : allotted > 0 ? 'ALLOTTED' : 'UNSUCCESSFUL';
      if (r.status !== status) problems.push(`${key}: status ${r.status}, expected ${status}`);
      const pool = r.status === 'REJECTED' ? '' : applied * 3.99 <= 5_000_000 ? 'A' : 'B';
      if (r.pool !== pool) problems.push(`${key}: pool ${r.pool}, expected ${pool}`);
      if (r.status === 'REJECTED' && (allotted !== 0 || r.reason_code !== 'MULTIPLE_APPLICATION')) problems.push(`${key}: rejected as ${r.reason_code} with ${allotted}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);

    // Per pool and quantity: spread at most one lot; the basis row describes exactly what was allotted.
    const groups = new Map<string, number[]>();
    for (const r of valid) {
      const key = `${r.pool},${r.shares_applied}`;
      const group = groups.get(key) ?? [];
      group.push(Number(r.shares_allotted));
      groups.set(key, group);
    }
    expect(basis.map((b) => `${b.pool},${b.shares_applied}`).sort()).toEqual([...groups.keys()].sort());
    const num = (t: string) => Number(t.replace(/,/g, ''));
    for (const b of basis) {
      const got = groups.get(`${b.pool},${b.shares_applied}`)!;
      const n = got.length;
      expect(Number(b.valid_applications)).toBe(n);
      expect(Math.max(...got) - Math.min(...got)).toBeLessThanOrEqual(LOT);
      let base: number;
      let winners = 0;
      let m: RegExpExecArray | null;
      if ((m = /^([\d,]+) shares plus ([\d,]+) out of ([\d,]+) applicants to receive an additional 1,000 shares$/.exec(b.basis!))) {
        [base, winners] = [num(m[1]!), num(m[2]!)];
        expect(num(m[3]!)).toBe(n);
      } else if ((m = /^([\d,]+) out of ([\d,]+) applicants to receive 1,000 shares$/.exec(b.basis!))) {
        [base, winners] = [0, num(m[1]!)];
        expect(num(m[2]!)).toBe(n);
      } else if ((m = /^([\d,]+) shares$/.exec(b.basis!))) {
        base = num(m[1]!);
      } else {
        throw new Error(`basis wording not recognised: ${b.basis}`);
      }
      expect(winners).toBeLessThan(n);
      expect(got.filter((a) => a === base + LOT)).toHaveLength(winners);
      expect(got.filter((a) => a === base)).toHaveLength(n - winners);
      const total = got.reduce((s, a) => s + a, 0);
      expect(b.approx_pct_allotted).toBe(new Decimal(total).div(n * Number(b.shares_applied)).times(100).toFixed(2, Decimal.ROUND_HALF_UP));
    }

    // Mean allotment non-decreasing in the applied quantity, per pool (exact: cross-multiplied).
    for (const pool of ['A', 'B']) {
      const rows = basis.filter((b) => b.pool === pool).map((b) => {
        const got = groups.get(`${pool},${b.shares_applied}`)!;
        return { q: Number(b.shares_applied), sum: BigInt(got.reduce((s, a) => s + a, 0)), n: BigInt(got.length) };
      }).sort((x, y) => x.q - y.q);
      for (let i = 1; i < rows.length; i++) {
        const [lo, hi] = [rows[i - 1]!, rows[i]!];
        if (lo.sum * hi.n > hi.sum * lo.n) throw new Error(`pool ${pool}: mean at ${lo.q} above mean at ${hi.q}`);
      }
    }
  });

  test('money reconciles per application: paid - refund == payable for the allotted shares at the final price', () => {
    const paid = amountsPaid();
    const results = readCsv(file(golden, 'results.csv'));
    const refunds = new Map(readCsv(file(golden, 'refunds.csv')).map((r) => [`${r.participant_id}/${r.instruction_ref}`, r]));
    expect(refunds.size).toBe(results.length); // at 3.90 < 3.99 every application gets something back
    let totalPaid = new Decimal(0);
    let totalRefunded = new Decimal(0);
    const problems: string[] = [];
    for (const r of results) {
      const key = `${r.participant_id}/${r.instruction_ref}`;
      const amountPaid = new Decimal(paid.get(key)!);
      const applied = Number(r.shares_applied);
      const allotted = Number(r.shares_allotted);
      if (!amountPaid.eq(payable(applied, offeringJson.price.maximum))) problems.push(`${key}: paid ${amountPaid.toFixed(2)} is not the amount payable at the maximum price`);
      const refund = refunds.get(key);
      if (!refund) {
        problems.push(`${key}: no refund row`);
        continue;
      }
      const kept = r.status === 'REJECTED' || allotted === 0 ? new Decimal(0) : payable(allotted, FINAL_PRICE);
      if (refund.amount !== amountPaid.minus(kept).toFixed(2)) problems.push(`${key}: refund ${refund.amount}, paid ${amountPaid.toFixed(2)} - kept ${kept.toFixed(2)}`);
      const reason = r.status === 'REJECTED' ? 'REJECTED' : allotted === 0 ? 'UNSUCCESSFUL' : allotted < applied ? 'PARTIAL' : 'PRICE_ADJUSTMENT';
      if (refund.reason !== reason) problems.push(`${key}: refund reason ${refund.reason}, expected ${reason}`);
      const method = r.channel !== 'WHITE_FORM' ? 'DIRECT_CREDIT' : refund.payee_account === '' ? 'CHEQUE' : 'E_REFUND';
      if (refund.method !== method) problems.push(`${key}: method ${refund.method}, expected ${method}`);
      totalPaid = totalPaid.plus(amountPaid);
      totalRefunded = totalRefunded.plus(refund.amount!);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    const summary = JSON.parse(file(golden, 'summary.json').toString('utf8'));
    expect(summary.money.total.amount_paid).toBe(totalPaid.toFixed(2));
    expect(summary.money.total.amount_refunded).toBe(totalRefunded.toFixed(2));
    expect(new Decimal(summary.money.total.amount_kept).plus(totalRefunded).eq(totalPaid)).toBe(true);

    // Certificates: WHITE_FORM successes, COLLECT from 1,000,000 shares applied; deposits: CCASS successes.
    const byKey = new Map(results.filter((r) => r.channel === 'WHITE_FORM').map((r) => [r.instruction_ref, r]));
    const wfAllotted = results.filter((r) => r.channel === 'WHITE_FORM' && Number(r.shares_allotted) > 0);
    const certificates = readCsv(file(golden, 'certificates.csv'));
    expect(certificates.map((c) => c.instruction_ref)).toEqual(wfAllotted.map((r) => r.instruction_ref));
    expect(certificates.filter((c) => {
      const r = byKey.get(c.instruction_ref!)!;
      return c.shares !== r.shares_allotted || c.delivery !== (Number(r.shares_applied) >= 1_000_000 ? 'COLLECT' : 'POST');
    })).toEqual([]);
    const deposits = readCsv(file(golden, 'ccass-deposits.csv'));
    expect(deposits.map((d) => `${d.participant_id}/${d.instruction_ref}/${d.shares}`)).toEqual(
      results.filter((r) => r.channel !== 'WHITE_FORM' && Number(r.shares_allotted) > 0).map((r) => `${r.participant_id}/${r.instruction_ref}/${r.shares_allotted}`),
    );
  });

  test('determinism: the same inbox, files renamed and copied in reverse order, gives byte-identical allocation files', async () => {
    const again = await runCase(INBOX, true);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const allocationOnly = (run: Run) => new Map([...run.tree].filter(([name]) => name.startsWith('allocation/')));
    const names = [...again.tree.keys()].filter((n) => n.startsWith('outbox/'));
    expect(names.every((n) => n.includes('-renamed-'))).toBe(true);
    expect(compareTrees(allocationOnly(again), allocationOnly(golden))).toEqual([]);
  }, 30_000);
});
