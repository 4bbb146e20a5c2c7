/**
 * What `ccass-batch preview` prints (docs/ballot.md, "Preview"): the allocation plan under a
 * ballot policy, before anything is decided. The basis table is the very CSV `allocate` would
 * write into basis-of-allocation.csv (same rows, same columns), or the same rows aligned for a
 * terminal. Pure.
 */
import type { AllocationPlan } from '../allocate/allocation-plan';
import { formatSubscriptionMultiple } from '../allocate/sizing';
import type { BasisRow } from '../domain/allocation';
import type { Offering } from '../offering/schema';
import { formatThousands } from '../money/money';
import { BASIS_COLUMNS, renderCsv } from '../refund/output-columns';
import { buildBasisRows } from '../refund/results';
import { describePolicyOutcome } from '../refund/summary';

export interface PreviewFacts {
  offering: Offering;
  finalPrice: string;
  /** Instructions rejected as multiple applications (not in the plan). */
  multipleApplications: number;
}

const n = (x: number) => formatThousands(x);

/** basis-of-allocation.csv as allocate would write it for this plan. */
export function previewBasisCsv(plan: AllocationPlan): string {
  return renderCsv(BASIS_COLUMNS, buildBasisRows(plan.basis, { A: plan.pools.A.policy, B: plan.pools.B.policy }));
}

/** The heading lines: book, multiple, tranche, pools and the policy per pool. */
export function previewHeading(plan: AllocationPlan, facts: PreviewFacts): string[] {
  const { sizing, pools } = plan;
  const o = facts.offering;
  const sizingWords = [
    ...(sizing.clawback ? [`clawback to ${sizing.clawback.hong_kong_pct}% of the offer shares (multiple at least ${sizing.clawback.min_multiple}x)`] : []),
    ...(sizing.reallocated_shares > 0 ? [`reallocation of ${n(sizing.reallocated_shares)} shares`] : []),
  ];
  const poolLine = (p: AllocationPlan['pools']['A']) => {
    const state = p.valid_applications === 0 ? 'no applications'
      : p.oversubscribed ? `oversubscribed ${formatSubscriptionMultiple(p.demand_shares, p.size_shares)} times` : 'every application in full';
    return `pool ${p.pool}: ${n(p.size_shares)} shares; ${n(p.valid_applications)} valid applications for ${n(p.demand_shares)} shares; ${state}`;
  };
  return [
    `preview of ${o.stock_code} ${o.issuer} at final price HK$${facts.finalPrice} (nothing closed, drawn or written)`,
    `valid applications: ${n(pools.A.valid_applications + pools.B.valid_applications)}; multiple applications rejected: ${n(facts.multipleApplications)}`,
    `subscription multiple: ${sizing.subscription_multiple}x; ${sizingWords.length > 0 ? sizingWords.join(' and ') : 'no clawback or reallocation'}; `
      + `Hong Kong tranche ${n(sizing.final_hong_kong_shares)} shares${sizing.shortfall_to_international_shares > 0 ? ` (${n(sizing.shortfall_to_international_shares)} not taken up, to the International Offering)` : ''}`,
    poolLine(pools.A),
    poolLine(pools.B),
    `ballot policy: ${describePolicyOutcome('A', pools.A.policy)}; ${describePolicyOutcome('B', pools.B.policy)}`,
  ];
}

/** The basis rows aligned in columns: pool, shares applied, valid applications, basis, % allotted. */
export function previewBasisTable(basis: readonly BasisRow[]): string[] {
  const head = ['pool', 'shares applied', 'valid applications', 'basis of allotment', '% allotted'];
  const rows = basis.map((b) => [b.pool, n(b.shares_applied), n(b.valid_applications), b.basis, b.approx_pct_allotted]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = [false, true, true, false, true];
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}
