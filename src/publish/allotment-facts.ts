/**
 * The facts of an allotment results announcement in words, from summary.json and the offering:
 * final price, levels of valid applications (overall and per pool), the clawback or reallocation
 * applied, the rejections. Shared by the results page and the announcement so both say the same.
 * Pure.
 */
import { splitTranche } from '../allocate/pools';
import { Decimal, formatThousands } from '../money/money';
import type { Offering } from '../offering/schema';
import type { PublishedSummary } from './published-allocation';
import { rejectionWords } from './result-wording';

/** demand / size as "times", two decimals, rounded down (as summary.json's subscription_multiple). */
export function timesText(demand: number, size: number): string {
  if (size <= 0) return '0.00';
  const hundredths = (BigInt(demand) * 100n) / BigInt(size);
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`;
}

const ACRONYMS = new Set(['sfc', 'afrc', 'hkex', 'hkscc']);

/** An offering fee name in words: `sfc_transaction_levy` -> `SFC transaction levy`. */
export function feeName(name: string): string {
  return name.split(/[_\s]+/).map((w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w)).join(' ');
}

/** A rate as a percentage without trailing zeros: `0.000027` -> `0.0027%`. */
export function percentText(rate: string): string {
  return `${new Decimal(rate).times(100).toString()}%`;
}

export function finalPriceWords(summary: PublishedSummary, offering: Offering): string {
  if (summary.final_price === null) return 'None: the offering lapsed and no Offer Shares were allotted.';
  const fees = offering.fees.map((f) => `${feeName(f.name)} of ${percentText(f.rate)}`);
  const list = fees.length > 1 ? `${fees.slice(0, -1).join(', ')} and ${fees[fees.length - 1]}` : fees[0]!;
  return `HK$${summary.final_price} per Offer Share (excluding ${list}).`;
}

export function levelsWords(s: PublishedSummary): string {
  return `${formatThousands(s.applications.valid)} valid applications were received under the Hong Kong Public Offering for a total of ` +
    `${formatThousands(s.demand_shares)} Hong Kong Offer Shares, representing approximately ${s.subscription_multiple} times the ` +
    `${formatThousands(s.hong_kong_tranche.initial_shares)} Hong Kong Offer Shares initially available.`;
}

export interface PoolLevel {
  pool: 'A' | 'B';
  valid_applications: number;
  demand_shares: number;
  /** Half the initial Hong Kong tranche in whole lots (pool A takes the odd lot), as announcements compare. */
  initial_shares: number;
  times: string;
  successful_applications: number;
}

/** Each pool's level against the shares initially available in it (allocate/pools.ts splitTranche of the initial tranche). */
export function poolLevels(s: PublishedSummary, boardLot: number): PoolLevel[] {
  const initial = splitTranche(s.hong_kong_tranche.initial_shares, boardLot);
  return (['A', 'B'] as const).map((pool) => {
    const p = s.pools[pool];
    return { pool, valid_applications: p.valid_applications, demand_shares: p.demand_shares, initial_shares: initial[pool], times: timesText(p.demand_shares, initial[pool]), successful_applications: p.successful_applications };
  });
}

export function poolWords(p: PoolLevel): string {
  return `Pool ${p.pool}: ${formatThousands(p.valid_applications)} valid applications for ${formatThousands(p.demand_shares)} shares, ` +
    `representing approximately ${p.times} times the ${formatThousands(p.initial_shares)} shares initially available in pool ${p.pool}; ` +
    `${formatThousands(p.successful_applications)} successful.`;
}

/** The clawback, reallocation or shortfall applied to the Hong Kong tranche, in words. */
export function trancheWords(s: PublishedSummary): string {
  const t = s.hong_kong_tranche;
  const parts: string[] = [];
  if (s.clawback) {
    parts.push(`As valid applications represent at least ${s.clawback.min_multiple} times the Hong Kong Offer Shares initially available, ` +
      `the reallocation procedure (clawback) described in the prospectus has been applied: the Hong Kong Offer Shares have been increased from ` +
      `${formatThousands(t.initial_shares)} to ${formatThousands(t.final_shares)} shares, ${s.clawback.hong_kong_pct}% of the Offer Shares initially available under the Global Offering.`);
  } else if (s.reallocated_shares > 0) {
    parts.push(`${formatThousands(s.reallocated_shares)} Offer Shares have been reallocated from the International Offering to the Hong Kong Public Offering: ` +
      `the Hong Kong Offer Shares have been increased from ${formatThousands(t.initial_shares)} to ${formatThousands(t.final_shares)} shares.`);
  } else {
    parts.push(`No reallocation or clawback has been applied: the final number of Hong Kong Offer Shares is ${formatThousands(t.final_shares)}.`);
  }
  if (t.shortfall_to_international_shares > 0) {
    parts.push(`The Hong Kong Public Offering was undersubscribed: ${formatThousands(t.shortfall_to_international_shares)} Hong Kong Offer Shares not taken up have been reallocated to the International Offering.`);
  }
  return parts.join(' ');
}

/** One line per rejection reason, multiple applications first: `4 applications were rejected: multiple applications ...`. */
export function rejectionLines(s: PublishedSummary): string[] {
  const entries = Object.entries(s.instructions.rejected_by_reason);
  const multiple = entries.filter(([code]) => code === 'MULTIPLE_APPLICATION');
  const others = entries.filter(([code]) => code !== 'MULTIPLE_APPLICATION');
  return [...multiple, ...others].map(([code, n]) =>
    `${formatThousands(n)} ${n === 1 ? 'application was' : 'applications were'} rejected because ${rejectionWords(code)}.`);
}
