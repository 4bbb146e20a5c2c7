/**
 * The quantities a synthetic book applies for, and what each costs, from the offering's own
 * table (nothing about a particular offering here).
 *
 * The mix (docs/generate.md), by position in the permitted table (only quantities up to
 * max_application_shares):
 *   - the smallest quantity (one board lot in every announcement seen): 40%
 *   - the second: 15%
 *   - the rest of pool A: 41.5%, each quantity weighted by lots^-0.75 (a long tail)
 *   - pool B (consideration at the maximum price above pools.threshold_consideration): 3.5%,
 *     a quarter of it at the cap (the largest permitted quantity), the rest weighted lots^-0.5.
 * A group the table does not have gives its weight to the others, in proportion.
 *
 * Amounts are computed once per quantity with money/amount-payable.ts (decimal.js), kept as text
 * and as integer cents; a record never touches decimal.js. The weights use only +, *, / and
 * Math.sqrt, which IEEE 754 rounds exactly, so the table is the same on every machine.
 */
import { amountPayableText } from '../money/amount-payable';
import { Decimal } from '../money/money';
import type { Offering } from '../offering/schema';

export const MIX_SHARES = { smallest: 0.4, second: 0.15, restOfPoolA: 0.415, poolB: 0.035, poolBAtCap: 0.25 } as const;

export interface QuantityMix {
  /** Permitted quantities up to the cap, increasing. */
  shares: readonly number[];
  sharesText: readonly string[];
  /** Amount payable at the maximum price, `d+.dd`. */
  amountText: readonly string[];
  amountCents: readonly number[];
  poolB: readonly boolean[];
  /** Cumulative probabilities scaled to 2^32 (the last is 2^32). */
  cumulative: Float64Array;
}

/** Cents of a money text `d+.dd` as an exact integer. */
export function centsOf(amount: string): number {
  const cents = Number(amount.replace('.', ''));
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount ${amount} is beyond exact integer cents`);
  return cents;
}

/** Money text `d+.dd` of integer cents (number or bigint, non-negative). */
export function centsText(cents: number | bigint): string {
  const s = cents.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

function lotsPower(shares: number, boardLot: number, quarterPowers: number): number {
  const lots = shares / boardLot;
  const root = Math.sqrt(lots);
  // lots^-0.5 (quarterPowers 2) or lots^-0.75 (quarterPowers 3)
  return quarterPowers === 2 ? 1 / root : 1 / (root * Math.sqrt(root));
}

export function buildQuantityMix(offering: Offering): QuantityMix {
  const shares = offering.permitted_quantities.filter((q) => q <= offering.max_application_shares);
  if (shares.length === 0) throw new RangeError('no permitted quantity is within max_application_shares');
  const threshold = new Decimal(offering.pools.threshold_consideration);
  const poolB = shares.map((q) => new Decimal(offering.price.maximum).times(q).greaterThan(threshold));
  const amountText = shares.map((q) => amountPayableText(q, offering.price.maximum, offering.fees));
  const last = shares.length - 1;

  const weights = new Float64Array(shares.length);
  const restA: number[] = [];
  const restB: number[] = [];
  shares.forEach((q, k) => {
    if (k === 0) weights[k] = MIX_SHARES.smallest;
    else if (k === 1) weights[k] = MIX_SHARES.second;
    else if (!poolB[k]) restA.push(k);
    else restB.push(k);
  });
  const spread = (indices: number[], total: number, quarterPowers: number) => {
    const raw = indices.map((k) => lotsPower(shares[k]!, offering.board_lot, quarterPowers));
    const sum = raw.reduce((a, b) => a + b, 0);
    indices.forEach((k, n) => (weights[k] = weights[k]! + (total * raw[n]!) / sum));
  };
  if (restA.length > 0) spread(restA, MIX_SHARES.restOfPoolA, 3);
  if (restB.length > 0) {
    const atCap = restB.includes(last) ? MIX_SHARES.poolB * MIX_SHARES.poolBAtCap : 0;
    const others = restB.filter((k) => k !== last);
    if (others.length > 0) spread(others, MIX_SHARES.poolB - atCap, 2);
    else weights[last] = weights[last]! + MIX_SHARES.poolB - atCap;
    weights[last] = weights[last]! + atCap;
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(shares.length);
  let running = 0;
  for (let k = 0; k < shares.length; k++) {
    running += weights[k]!;
    cumulative[k] = k === last ? 4294967296 : Math.floor((running / total) * 4294967296);
  }
  return { shares, sharesText: shares.map(String), amountText, amountCents: amountText.map(centsOf), poolB, cumulative };
}

/** The quantity index a uniform 32-bit word picks (binary search over the cumulative table). */
export function pickQuantity(mix: QuantityMix, word: number): number {
  const c = mix.cumulative;
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (word < c[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Quantities that are not in the table but look like a slip of the pen (half a board lot more
 * than a permitted one, e.g. 1,500), up to the cap; each with the permitted quantity it came
 * from. Empty when every such quantity is permitted.
 */
export function nonPermittedQuantities(offering: Offering, mix: QuantityMix): { shares: number; from: number }[] {
  const permitted = new Set(offering.permitted_quantities);
  const step = offering.board_lot >= 2 ? Math.floor(offering.board_lot / 2) : 1;
  const found: { shares: number; from: number }[] = [];
  mix.shares.forEach((q, k) => {
    const s = q + step;
    if (!permitted.has(s) && s <= offering.max_application_shares) found.push({ shares: s, from: k });
  });
  return found;
}
