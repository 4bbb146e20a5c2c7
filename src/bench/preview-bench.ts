/**
 * How fast `preview` answers a registrar trying policies on a large book (docs/ballot.md,
 * "Preview"). Synthesises a book of N valid applications shaped like the 06745 table (its rows'
 * quantities, counts scaled up), then times:
 *
 *   plan    countQuantities + planAllocation (sizing, pools, the solve, the basis table) for each
 *           of several policies: what preview does after the book is read;
 *   select  selectApplications over N stored instructions built in memory (sort by key, multiple
 *           applications), once per preview run (with --select).
 *
 *   npm run build && node dist/bench/preview-bench.js [--n 1000000] [--select]
 *
 * Prints figures; never run as a test. Reading the store from disk (readStoredInstructions) comes
 * on top and is measured by the ingest benchmark's figures for reading JSON lines.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { countQuantities, planAllocation } from '../allocate';
import type { BallotPolicy } from '../domain/allocation';
import type { StoredInstruction } from '../domain/types';
import { parseOffering } from '../offering/load-offering';
import { selectApplications } from '../pipeline/allocate';
import { parseReferenceTable } from './calibrate-basis';

const ROOT = path.join(__dirname, '../..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function main(): void {
  const n = Number(arg('--n', '1000000'));
  const sample = parseOffering(readFileSync(path.join(ROOT, 'samples/offerings/06745-befar-2026-half-tranche.json'), 'utf8'));
  const table = parseReferenceTable(readFileSync(path.join(ROOT, 'test/unit/allocate/fixtures/basis-6745.csv'), 'utf8'));
  const total = table.rows.reduce((s, r) => s + r.valid_applications, 0);
  // The tranche scaled with the book, so the multiple stays near 06745's 227.58x.
  const lot = sample.board_lot;
  const initial = Math.round((sample.tranches.hong_kong_initial * n) / total / lot) * lot;
  const offering = { ...sample, tranches: { ...sample.tranches, offer_shares: initial * 10, hong_kong_initial: initial, international_initial: initial * 9 } };
  const shares: number[] = [];
  for (const r of table.rows) {
    const count = Math.max(1, Math.round((r.valid_applications * n) / total));
    for (let i = 0; i < count; i++) shares.push(r.shares_applied);
  }
  process.stdout.write(`book: ${shares.length.toLocaleString('en-US')} applications, ${table.rows.length} quantities (06745's rows scaled), 06745 offering with the tranche scaled to ${initial.toLocaleString('en-US')} shares\n`);

  const policies: [string, BallotPolicy | undefined][] = [
    ['offering default', undefined],
    ['A first_row_pct 5.00, B first_row_pct 0.47', { A: { first_row_pct: '5.00' }, B: { first_row_pct: '0.47' } }],
    ['A first_row_pct 3.00, B exponent 1', { A: { first_row_pct: '3.00' }, B: { exponent: 1 } }],
    ['A first_row_pct 8.00, B first_row_pct 0.60', { A: { first_row_pct: '8.00' }, B: { first_row_pct: '0.60' } }],
    ['A exponent 0.62, B exponent 0.7', { A: { exponent: 0.62 }, B: { exponent: 0.7 } }],
  ];
  for (const [name, ballotPolicy] of policies) {
    const t0 = process.hrtime.bigint();
    const quantities = countQuantities(shares.map((s) => ({ shares: s })));
    const plan = planAllocation({ quantities, offering, finalPrice: '3.48', ...(ballotPolicy ? { ballotPolicy } : {}) });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(`plan   ${name.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  multiple ${plan.sizing.subscription_multiple}x, exponents A ${plan.pools.A.policy.exponent}, B ${plan.pools.B.policy.exponent}\n`);
  }

  if (process.argv.includes('--select')) {
    const instructions: StoredInstruction[] = shares.map((s, i) => {
      const ref = `R${String(i).padStart(8, '0')}`;
      return {
        participant_id: `BRK${String(i % 50).padStart(3, '0')}`, channel: 'CLEARING', file_seq: 1, file_sha256: 'f'.repeat(64), file_name: 'a.csv', line: i + 2,
        instruction_ref: ref, input_time: '2026-07-03T10:00:00', applicant_ids: [`HKID:A${String(i).padStart(7, '0')}`], applicant_name: 'X',
        shares_text: String(s), shares: s, amount_paid_text: '0.00', amount_paid: '0.00', stock_account: `SA${i}`, refund_account: '', payment_time: '',
        status: 'ACCEPTED', reason_code: null, detail: '',
      };
    });
    const t0 = process.hrtime.bigint();
    const { applications, multiples } = selectApplications(instructions);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(`select ${applications.length.toLocaleString('en-US')} valid, ${multiples.size} multiple: ${ms.toFixed(0)} ms\n`);
  }
  process.stdout.write(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB (machine shared; figures vary)\n`);
}

if (require.main === module) main();
