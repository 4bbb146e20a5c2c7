/**
 * results.csv: one row per D record of every accepted file, rejected ones included
 * (spec: outputs.md). Pool is empty for any rejected instruction, the multiple applications
 * included: they were rejected before the ballot and never entered a pool.
 */
import type { Allocation, BasisRow, PoolPolicyOutcome } from '../domain/allocation';
import { describePoolPolicy } from '../allocate/ballot-policy';
import { BASIS_COLUMNS, CsvRow, RESULT_COLUMNS } from './output-columns';
import type { Settlement } from './settlement';
import { neutraliseCell, neutraliseNumberText } from './spreadsheet-safe';

export type ResultRow = CsvRow<typeof RESULT_COLUMNS>;
export type BasisCsvRow = CsvRow<typeof BASIS_COLUMNS>;

/** One instruction's row (the settled fields as Settlement names them). */
export function resultRow(s: Pick<Settlement, 'instruction' | 'pool' | 'shares_allotted' | 'status' | 'reason_code'>): ResultRow {
  return {
    participant_id: neutraliseCell(s.instruction.participant_id),
    instruction_ref: neutraliseCell(s.instruction.instruction_ref),
    channel: s.instruction.channel,
    applicant_ids: neutraliseCell(s.instruction.applicant_ids.join(';')),
    pool: s.pool ?? '',
    shares_applied: neutraliseNumberText(s.instruction.shares_text),
    shares_allotted: String(s.shares_allotted),
    status: s.status,
    reason_code: s.reason_code,
  };
}

/** In the settlements' order, which is the results order. */
export function buildResultRows(settlements: readonly Settlement[]): ResultRow[] {
  return settlements.map(resultRow);
}

/**
 * The pool's ballot policy in the basis file's trailing columns: `ballot_policy` as given
 * (`first_row_pct 5.00`, `exponent 0.62`, `offering default`, or `in full` for a pool that was not
 * oversubscribed) and `exponent`, the curve's exponent used (solved for first_row_pct), empty
 * without a ballot.
 */
export function policyColumns(outcome: PoolPolicyOutcome | undefined): { ballot_policy: string; exponent: string } {
  if (outcome === undefined) return { ballot_policy: '', exponent: '' };
  if (outcome.exponent === null) return { ballot_policy: 'in full', exponent: '' };
  return { ballot_policy: describePoolPolicy(outcome.given), exponent: String(outcome.exponent) };
}

/** basis-of-allocation.csv: the allocation's basis table as it is (already in pool, quantity order). */
export function buildBasisRows(basis: readonly BasisRow[], policy?: Allocation['policy']): BasisCsvRow[] {
  return basis.map((b) => ({
    pool: b.pool,
    shares_applied: String(b.shares_applied),
    valid_applications: String(b.valid_applications),
    basis: neutraliseCell(b.basis),
    approx_pct_allotted: b.approx_pct_allotted,
    ...policyColumns(policy?.[b.pool]),
  }));
}
