/**
 * The basis of allocation table (spec: outputs.md, basis-of-allocation.csv): one row per pool and
 * applied quantity with a valid application, in the words of an allotment results announcement.
 */
import type { BasisRow } from '../domain/allocation';
import type { PoolName } from '../domain/types';
import { Decimal, formatThousands } from '../money/money';
import type { PlanRow } from './ballot-plan';

/**
 * The announcement wording of a plan row, exactly one of:
 * `2,000 shares` (everyone the same, no ballot);
 * `2,731 out of 46,373 applicants to receive 1,000 shares` (below one lot: a ballot for one lot);
 * `5,000 shares plus 1,211 out of 9,000 applicants to receive an additional 1,000 shares`.
 * A quantity where nobody wins anything reads `0 out of N applicants to receive 1,000 shares`.
 */
export function describeBasis(row: Pick<PlanRow, 'count' | 'base_lots' | 'winners'>, boardLot: number): string {
  const base = formatThousands(row.base_lots * boardLot);
  const lot = formatThousands(boardLot);
  const ballot = `${formatThousands(row.winners)} out of ${formatThousands(row.count)} applicants`;
  if (row.base_lots === 0) return `${ballot} to receive ${lot} shares`;
  if (row.winners === 0) return `${base} shares`;
  return `${base} shares plus ${ballot} to receive an additional ${lot} shares`;
}

/** (allotted / applied) x 100 over the row, two decimals, half-up, in Decimal. */
export function approxPctAllotted(allottedShares: number, appliedShares: number): string {
  if (appliedShares === 0) return '0.00';
  return new Decimal(allottedShares).times(100).div(appliedShares).toFixed(2, Decimal.ROUND_HALF_UP);
}

/** Rows of one pool's plan, ascending by shares applied. */
export function basisRows(pool: PoolName, plan: readonly PlanRow[], boardLot: number): BasisRow[] {
  return plan.map((row) => ({
    pool,
    shares_applied: row.lots * boardLot,
    valid_applications: row.count,
    basis: describeBasis(row, boardLot),
    approx_pct_allotted: approxPctAllotted((row.base_lots * row.count + row.winners) * boardLot, row.lots * row.count * boardLot),
  }));
}
