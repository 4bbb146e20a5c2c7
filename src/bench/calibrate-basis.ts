/**
 * Compares our ballot with a registrar's published basis of allocation, given only the registrar's
 * percentage for the smallest quantity of each pool (`first_row_pct`, docs/ballot.md). Input: a
 * reference table (test/unit/allocate/fixtures/basis-*.csv: comment lines, a `# board_lot: N`
 * line, then `pool,shares_applied,valid_applications,basis_of_allotment,approx_pct_allotted`).
 * Each pool's size is what the registrar allotted in it (the rows' basis), the policy is the
 * pool's first row's printed percentage, and our planner must come close row by row. Usage:
 *
 *   node dist/bench/calibrate-basis.js <reference.csv> [<reference.csv> ...]
 *
 * A script, not a stage: it reads the files named on the command line.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describeBasis } from '../allocate/basis';
import { planPoolWithPolicy } from '../allocate/exponent-solve';
import type { PoolName } from '../domain/types';

export interface ReferenceTable {
  board_lot: number;
  rows: ReferenceRow[];
}

export interface ReferenceRow {
  pool: PoolName;
  shares_applied: number;
  valid_applications: number;
  basis: string;
  /** As printed, e.g. "5.00". */
  approx_pct: string;
  /** Lots the registrar allotted to the row in all, read from its basis. */
  allotted_lots: number;
}

export interface PoolComparison {
  pool: PoolName;
  first_row_pct: string;
  /** The exponent solved from first_row_pct. */
  exponent: number;
  size_lots: number;
  rows: ComparedRow[];
}

export interface ComparedRow extends ReferenceRow {
  ours_basis: string;
  ours_lots: number;
  /** ours / registrar over the row's lots (the exact means, not the printed percentages). */
  ratio: number;
}

/** Rows with at least this many applications are the ones held to the 10% (docs/ballot.md). */
export const SIGNIFICANT_APPLICATIONS = 100;
export const TOLERANCE = 0.1;

function lotsOf(basis: string, count: number, lot: number): number {
  const nums = (basis.match(/\d+/g) ?? []).map(Number);
  if (/ plus /.test(basis)) return (nums[0]! / lot) * count + nums[1]!;
  if (/ out of /.test(basis)) return nums[0]! * (nums[2]! / lot);
  if (/^\d+ shares$/.test(basis)) return (nums[0]! / lot) * count;
  throw new Error(`basis not recognised: ${basis}`);
}

/** Parses a reference table (lines starting with # are comments; no field holds a comma). */
export function parseReferenceTable(text: string): ReferenceTable {
  const lotLine = /^# board_lot: (\d+)$/m.exec(text);
  if (lotLine === null) throw new Error('reference table has no "# board_lot: N" line');
  const lot = Number(lotLine[1]);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const rows = lines.slice(1).map((line): ReferenceRow => {
    const [pool, shares, count, basis, pct] = line.split(',');
    if (pool !== 'A' && pool !== 'B') throw new Error(`bad pool in reference line: ${line}`);
    return {
      pool, shares_applied: Number(shares), valid_applications: Number(count), basis: basis!, approx_pct: pct!,
      allotted_lots: lotsOf(basis!, Number(count), lot),
    };
  });
  return { board_lot: lot, rows };
}

/** Plans each pool with the registrar's first-row percentage and pairs the rows. */
export function compareFirstRowPct(table: ReferenceTable): PoolComparison[] {
  const lot = table.board_lot;
  const out: PoolComparison[] = [];
  for (const pool of ['A', 'B'] as const) {
    const ref = table.rows.filter((r) => r.pool === pool);
    if (ref.length === 0) continue;
    const sizeLots = Math.round(ref.reduce((s, r) => s + r.allotted_lots, 0));
    const firstRowPct = ref[0]!.approx_pct;
    const solved = planPoolWithPolicy(
      ref.map((r) => ({ lots: r.shares_applied / lot, count: r.valid_applications })),
      sizeLots, { first_row_pct: firstRowPct }, { pool, board_lot: lot, default_exponent: 1 },
    );
    const rows = ref.map((r, i): ComparedRow => {
      const p = solved.plan[i]!;
      const ours = p.base_lots * p.count + p.winners;
      return { ...r, ours_basis: describeBasis(p, lot), ours_lots: ours, ratio: r.allotted_lots === 0 ? (ours === 0 ? 1 : Infinity) : ours / r.allotted_lots };
    });
    out.push({ pool, first_row_pct: firstRowPct, exponent: solved.exponent, size_lots: sizeLots, rows });
  }
  return out;
}

export const isSignificant = (r: ReferenceRow): boolean => r.valid_applications >= SIGNIFICANT_APPLICATIONS;
export const withinTolerance = (r: ComparedRow): boolean => Math.abs(r.ratio - 1) <= TOLERANCE;

/** A markdown table of one pool's comparison (docs/ballot.md). */
export function formatPoolComparison(p: PoolComparison, lot: number): string {
  const pct = (lots: number, r: ReferenceRow) => ((lots * lot * 100) / (r.shares_applied * r.valid_applications)).toFixed(2);
  const head = '| pool | shares applied | valid apps | registrar basis | registrar % | our basis | our % | ours / registrar |\n|---|---:|---:|---|---:|---|---:|---:|';
  const body = p.rows.map((r) => `| ${r.pool} | ${r.shares_applied.toLocaleString('en-US')} | ${r.valid_applications.toLocaleString('en-US')} | ${r.basis} | ${r.approx_pct} | ${r.ours_basis} | ${pct(r.ours_lots, r)} | ${r.ratio.toFixed(3)}${isSignificant(r) && !withinTolerance(r) ? ' **outside**' : ''} |`);
  return [head, ...body].join('\n');
}

/** One line per pool: the solved exponent and how many significant rows came within 10%. */
export function summarisePool(p: PoolComparison): string {
  const significant = p.rows.filter(isSignificant);
  const within = significant.filter(withinTolerance);
  const worst = significant.reduce((w, r) => Math.max(w, Math.abs(r.ratio - 1)), 0);
  return `pool ${p.pool}: first_row_pct ${p.first_row_pct} -> exponent ${p.exponent}; rows with ${SIGNIFICANT_APPLICATIONS}+ applications within 10%: ${within.length} of ${significant.length}`
    + (significant.length > 0 ? ` (worst ${(worst * 100).toFixed(1)}%)` : '');
}

function main(argv: readonly string[]): void {
  if (argv.length === 0) {
    process.stderr.write('usage: calibrate-basis <reference.csv> [<reference.csv> ...]\n');
    process.exitCode = 2;
    return;
  }
  for (const file of argv) {
    const table = parseReferenceTable(readFileSync(file, 'utf8'));
    const pools = compareFirstRowPct(table);
    process.stdout.write(`## ${basename(file)}\n\n${pools.map((p) => formatPoolComparison(p, table.board_lot)).join('\n\n')}\n\n${pools.map(summarisePool).join('\n')}\n\n`);
  }
}

if (require.main === module) main(process.argv.slice(2));
