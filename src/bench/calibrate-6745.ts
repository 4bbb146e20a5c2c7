/**
 * Calibration of the ballot's target curve against a real registrar's basis of allocation
 * (Befar Group, 06745, July 2026, 227.58x; a copy of the published basis is
 * test/unit/allocate/fixtures/basis-6745.csv). Feeds the registrar's valid-application counts and
 * pool sizes to our planner and compares row by row. Usage:
 *
 *   node dist/bench/calibrate-6745.js <reference.csv> [exponentA exponentB]   compare
 *   node dist/bench/calibrate-6745.js <reference.csv> --search                 grid search
 *
 * A script, not a stage: it reads one file named on the command line.
 */
import { readFileSync } from 'node:fs';
import { basisRows } from '../allocate/basis';
import { planOversubscribedPool } from '../allocate/ballot-plan';
import type { PoolName } from '../domain/types';

export interface ReferenceRow {
  pool: PoolName;
  shares_applied: number;
  valid_applications: number;
  basis: string;
  approx_pct: number;
}

export interface ComparedRow extends ReferenceRow {
  ours_basis: string;
  ours_pct: number;
  /** ours / reference, or 1 when both are zero. */
  ratio: number;
}

/** The 6745 pool sizes (from the announcement: A takes the odd lot of 35,213,000). */
export const POOL_SIZES_6745: Record<PoolName, number> = { A: 17_607_000, B: 17_606_000 };
export const BOARD_LOT_6745 = 1000;
/** The calibrated exponents (samples/offerings/0020-sensetime-2021.json pools.exponent). */
export const CALIBRATED_EXPONENTS: Record<PoolName, number> = { A: 0.54, B: 0.66 };

/** Parses the reference CSV (lines starting with # are comments; no field holds a comma). */
export function parseReference(text: string): ReferenceRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  return lines.slice(1).map((line) => {
    const [pool, shares, count, basis, pct] = line.split(',');
    if (pool !== 'A' && pool !== 'B') throw new Error(`bad pool in reference line: ${line}`);
    return { pool, shares_applied: Number(shares), valid_applications: Number(count), basis: basis!, approx_pct: Number(pct) };
  });
}

/** Runs our planner on the reference's counts and pool sizes and pairs the rows. */
export function compareWithReference(reference: readonly ReferenceRow[], exponents: Record<PoolName, number>): ComparedRow[] {
  const out: ComparedRow[] = [];
  for (const pool of ['A', 'B'] as const) {
    const ref = reference.filter((r) => r.pool === pool);
    const plan = planOversubscribedPool(
      ref.map((r) => ({ lots: r.shares_applied / BOARD_LOT_6745, count: r.valid_applications })),
      POOL_SIZES_6745[pool] / BOARD_LOT_6745,
      exponents[pool],
    );
    const ours = basisRows(pool, plan, BOARD_LOT_6745);
    ref.forEach((r, i) => {
      const o = ours[i]!;
      const pct = Number(o.approx_pct_allotted);
      out.push({ ...r, ours_basis: o.basis, ours_pct: pct, ratio: r.approx_pct === 0 ? (pct === 0 ? 1 : Infinity) : pct / r.approx_pct });
    });
  }
  return out;
}

/** Root mean square of log(ratio) over a pool's rows: the calibration's loss (each row counts once). */
export function logError(rows: readonly ComparedRow[], pool: PoolName): number {
  const r = rows.filter((x) => x.pool === pool);
  return Math.sqrt(r.reduce((s, x) => s + Math.log(x.ratio) ** 2, 0) / r.length);
}

/** Grid search of the exponent per pool over 0.30 .. 1.00 in steps of 0.01. */
export function searchExponents(reference: readonly ReferenceRow[]): Record<PoolName, { exponent: number; log_rms: number }> {
  const best = { A: { exponent: 1, log_rms: Infinity }, B: { exponent: 1, log_rms: Infinity } };
  for (let e100 = 30; e100 <= 100; e100++) {
    const e = e100 / 100;
    const rows = compareWithReference(reference, { A: e, B: e });
    for (const pool of ['A', 'B'] as const) {
      const err = logError(rows, pool);
      if (err < best[pool].log_rms) best[pool] = { exponent: e, log_rms: err };
    }
  }
  return best;
}

/** A markdown table of the comparison (docs/ballot.md). */
export function formatComparison(rows: readonly ComparedRow[]): string {
  const head = '| pool | shares applied | valid apps | registrar basis | registrar % | our basis | our % | ours / registrar |\n|---|---:|---:|---|---:|---|---:|---:|';
  const body = rows.map((r) => `| ${r.pool} | ${r.shares_applied.toLocaleString('en-US')} | ${r.valid_applications.toLocaleString('en-US')} | ${r.basis} | ${r.approx_pct.toFixed(2)} | ${r.ours_basis} | ${r.ours_pct.toFixed(2)} | ${r.ratio.toFixed(2)} |`);
  return [head, ...body].join('\n');
}

function main(argv: readonly string[]): void {
  const [path, a, b] = argv;
  if (path === undefined) {
    process.stderr.write('usage: calibrate-6745 <reference.csv> [exponentA exponentB | --search]\n');
    process.exitCode = 2;
    return;
  }
  const reference = parseReference(readFileSync(path, 'utf8'));
  if (a === '--search') {
    process.stdout.write(`${JSON.stringify(searchExponents(reference), null, 2)}\n`);
    return;
  }
  const exponents = { A: a === undefined ? CALIBRATED_EXPONENTS.A : Number(a), B: b === undefined ? CALIBRATED_EXPONENTS.B : Number(b) };
  const rows = compareWithReference(reference, exponents);
  process.stdout.write(`${formatComparison(rows)}\n\nexponents A ${exponents.A}, B ${exponents.B}; log-RMS A ${logError(rows, 'A').toFixed(3)}, B ${logError(rows, 'B').toFixed(3)}\n`);
}

if (require.main === module) main(process.argv.slice(2));
