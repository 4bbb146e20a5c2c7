/**
 * summary.json: the run in one document (spec: outputs.md). Holds only what the inputs determine
 * (no timestamps or run ids), so the same book, price and seed give the same bytes. It also
 * records the parameters `verify` needs to re-derive every file: final_price, draw.seed,
 * reallocation_requested_shares and ballot_policy.<pool>.given.
 */
import type { Allocation, PoolPolicyOutcome, PoolResult } from '../domain/allocation';
import { describePoolPolicy } from '../allocate/ballot-policy';
import type { Offering } from '../offering/schema';
import { formatThousands } from '../money/money';
import type { MoneyReconciliation } from './reconcile';
import type { Settlement } from './settlement';
import type { SettlementCounts } from './compact-settlement';

export interface SummaryInput {
  offering: Offering;
  /** null when the offering lapsed. */
  finalPrice: string | null;
  /** `--reallocate` as given, null when not given. */
  reallocateShares: number | null;
  allocation: Pick<Allocation, 'sizing' | 'pools' | 'policy' | 'draw'>;
  counts: SettlementCounts;
  money: MoneyReconciliation;
  /** The offering lapsed: recorded in the summary (the key is absent otherwise). */
  lapse?: { reason: string };
}

type PoolSummary = Omit<PoolResult, 'pool'>;

function poolSummary(p: PoolResult): PoolSummary {
  return {
    size_shares: p.size_shares,
    demand_shares: p.demand_shares,
    valid_applications: p.valid_applications,
    allotted_shares: p.allotted_shares,
    successful_applications: p.successful_applications,
    oversubscribed: p.oversubscribed,
  };
}

/** As given (null: the offering's default), as solved (the exponent) and the first row's plan. */
function policySummary(p: PoolPolicyOutcome): PoolPolicyOutcome {
  return {
    given: p.given === null ? null : 'first_row_pct' in p.given ? { first_row_pct: p.given.first_row_pct } : { exponent: p.given.exponent },
    exponent: p.exponent,
    first_row: p.first_row === null ? null : {
      shares_applied: p.first_row.shares_applied,
      valid_applications: p.first_row.valid_applications,
      base_shares: p.first_row.base_shares,
      winners: p.first_row.winners,
      pct_allotted: p.first_row.pct_allotted,
    },
  };
}

/** What summary.json counts, from a list of settlements. */
export function countSettlements(settlements: readonly Settlement[]): SettlementCounts {
  const rejected = new Map<string, number>();
  let valid = 0;
  let successful = 0;
  for (const s of settlements) {
    if (s.status === 'REJECTED') rejected.set(s.reason_code, (rejected.get(s.reason_code) ?? 0) + 1);
    else valid += 1;
    if (s.status === 'ALLOTTED') successful += 1;
  }
  return {
    total: settlements.length, valid, successful, unsuccessful: valid - successful,
    rejected_by_reason: Object.fromEntries([...rejected.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

export function buildSummary(input: SummaryInput) {
  const { offering, allocation, counts, money } = input;
  const { sizing, pools } = allocation;
  const { valid } = counts;
  return {
    offering: {
      stock_code: offering.stock_code,
      issuer: offering.issuer,
      share_class: offering.share_class ?? null,
      board_lot: offering.board_lot,
      price_minimum: offering.price.minimum,
      price_maximum: offering.price.maximum,
    },
    final_price: input.finalPrice,
    ...(input.lapse ? { lapse: { reason: input.lapse.reason } } : {}),
    reallocation_requested_shares: input.reallocateShares,
    ballot_policy: allocation.policy === undefined ? null : { A: policySummary(allocation.policy.A), B: policySummary(allocation.policy.B) },
    instructions: {
      total: counts.total,
      valid,
      rejected: counts.total - valid,
      rejected_by_reason: counts.rejected_by_reason,
    },
    applications: {
      valid,
      successful: counts.successful,
      unsuccessful: counts.unsuccessful,
    },
    demand_shares: sizing.demand_shares,
    subscription_multiple: sizing.subscription_multiple,
    clawback: sizing.clawback,
    reallocated_shares: sizing.reallocated_shares,
    hong_kong_tranche: {
      initial_shares: sizing.initial_hong_kong_shares,
      final_shares: sizing.final_hong_kong_shares,
      shortfall_to_international_shares: sizing.shortfall_to_international_shares,
    },
    pools: { A: poolSummary(pools.A), B: poolSummary(pools.B) },
    shares_allotted: {
      A: pools.A.allotted_shares,
      B: pools.B.allotted_shares,
      total: pools.A.allotted_shares + pools.B.allotted_shares,
    },
    draw: { seed: input.lapse ? null : allocation.draw.seed, book_sha256: allocation.draw.book_sha256 },
    money: { total: money.total, by_channel: money.by_channel },
    manual_refunds: money.manual_refunds,
  };
}

export type Summary = ReturnType<typeof buildSummary>;

/** Two-space JSON with a final LF; key order is fixed by construction. */
export function renderSummary(summary: Summary): string {
  return JSON.stringify(summary, null, 2) + '\n';
}

const thousands = (n: number) => formatThousands(n);
const money = (text: string) => {
  const [whole, cents] = text.split('.');
  return `HK$${formatThousands(BigInt(whole!))}.${cents}`;
};

/**
 * One pool's policy in words, e.g. `pool A first_row_pct 5.00 -> exponent 0.555: 1,000 shares
 * applied, 1,586 of 31,717 win one lot more (5.00%)`, `pool B offering default exponent 0.66:
 * ...`, or `pool B in full (not oversubscribed)`.
 */
export function describePolicyOutcome(pool: string, p: PoolPolicyOutcome): string {
  if (p.exponent === null) return `pool ${pool} in full (not oversubscribed${p.given === null ? '' : `; ${describePoolPolicy(p.given)} not used`})`;
  const how = p.given === null ? `offering default exponent ${p.exponent}`
    : 'first_row_pct' in p.given ? `${describePoolPolicy(p.given)} -> exponent ${p.exponent}` : `exponent ${p.exponent} (as given)`;
  const r = p.first_row;
  if (r === null) return `pool ${pool} ${how}`;
  const base = r.base_shares > 0 ? `${thousands(r.base_shares)} shares each` : '';
  const winners = r.winners > 0 || base === '' ? `${thousands(r.winners)} of ${thousands(r.valid_applications)} win one lot more` : '';
  return `pool ${pool} ${how}: ${thousands(r.shares_applied)} shares applied, ${[base, winners].filter((x) => x !== '').join(' and ')} (${r.pct_allotted}%)`;
}

/** The few lines `allocate` and `run` print on stdout. */
export function describeSummary(s: Summary): string[] {
  if (s.lapse) {
    return [
      `offering ${s.offering.stock_code} ${s.offering.issuer} LAPSED (${JSON.stringify(s.lapse.reason)}): nothing allotted, every amount paid refunded in full`,
      `valid applications: ${thousands(s.applications.valid)}; rejected instructions: ${thousands(s.instructions.rejected)}`,
      `money: paid ${money(s.money.total.amount_paid)}, refunds ${money(s.money.total.amount_refunded)}${s.manual_refunds.length ? `; ${s.manual_refunds.length} for manual refund` : ''}`,
    ];
  }
  const rejected = Object.entries(s.instructions.rejected_by_reason).map(([code, n]) => `${code} ${n}`).join(', ');
  const sizing = [
    ...(s.clawback ? [`clawback to ${s.clawback.hong_kong_pct}% of the offer shares (multiple at least ${s.clawback.min_multiple}x)`] : []),
    ...(s.reallocated_shares > 0 ? [`reallocation of ${thousands(s.reallocated_shares)} shares`] : []),
  ];
  const clawback = sizing.length > 0 ? sizing.join(' and ') : 'no clawback or reallocation';
  return [
    `offering ${s.offering.stock_code} ${s.offering.issuer} at final price HK$${s.final_price}, seed "${s.draw.seed}"`,
    `valid applications: ${thousands(s.applications.valid)} (successful ${thousands(s.applications.successful)}); rejected instructions: ${thousands(s.instructions.rejected)}${rejected ? ` (${rejected})` : ''}`,
    `subscription multiple: ${s.subscription_multiple}x; ${clawback}; Hong Kong tranche ${thousands(s.hong_kong_tranche.final_shares)} shares`,
    `shares allotted: pool A ${thousands(s.shares_allotted.A)} of ${thousands(s.pools.A.size_shares)}; pool B ${thousands(s.shares_allotted.B)} of ${thousands(s.pools.B.size_shares)}`,
    ...(s.ballot_policy === null ? [] : [`ballot policy: ${describePolicyOutcome('A', s.ballot_policy.A)}; ${describePolicyOutcome('B', s.ballot_policy.B)}`]),
    `money: paid ${money(s.money.total.amount_paid)}, kept ${money(s.money.total.amount_kept)}, refunds ${money(s.money.total.amount_refunded)}${s.manual_refunds.length ? `; ${s.manual_refunds.length} for manual refund` : ''}`,
  ];
}
