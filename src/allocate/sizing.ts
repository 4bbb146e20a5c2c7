/**
 * Sizing the Hong Kong tranche: subscription multiple, clawback, discretionary reallocation and
 * undersubscription. Issue 3, part 3. Throws UsageError for arguments the offering does not
 * allow (the CLI maps it to exit code 2).
 */
import type { TrancheSizing } from '../domain/allocation';
import { UsageError } from '../domain/errors';
import { Decimal } from '../money/money';
import type { Offering } from '../offering/schema';

const DECIMAL_TEXT = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** The final price as Decimal; it must lie in the offer price range [minimum, maximum]. */
export function checkFinalPrice(finalPrice: string, offering: Offering, label = 'final price'): Decimal {
  if (!DECIMAL_TEXT.test(finalPrice)) throw new UsageError(`${label} "${finalPrice}" is not a decimal number such as 3.99`);
  const price = new Decimal(finalPrice);
  if (price.lt(offering.price.minimum) || price.gt(offering.price.maximum)) {
    throw new UsageError(`${label} ${finalPrice} is outside the offer price range ${offering.price.minimum} to ${offering.price.maximum}`);
  }
  return price;
}

/**
 * demand / initial, rounded half-up to two decimals, as text, the way allotment results
 * announcements print it (06745: 8,013,599,999 / 35,213,000 = 227.5775... -> "227.58"). Exact,
 * in integers. Clawback tiers are judged on the exact quotient, not on this text (clawbackTier).
 */
export function formatSubscriptionMultiple(demandShares: number, initialShares: number): string {
  const initial = BigInt(initialShares);
  const hundredths = (BigInt(demandShares) * 200n + initial) / (2n * initial);
  const whole = hundredths / 100n;
  const cents = (hundredths % 100n).toString().padStart(2, '0');
  return `${whole}.${cents}`;
}

type Tier = Offering['clawback'][number];

/**
 * The highest clawback tier whose min_multiple the exact multiple (demand / initial) reaches, or
 * null. Compared exactly (demand >= min_multiple x initial in Decimal), which for tiers written
 * with at most two decimals agrees with the two-decimal multiple that is reported.
 */
export function clawbackTier(demandShares: number, offering: Offering): Tier | null {
  let found: Tier | null = null;
  for (const tier of offering.clawback) {
    if (new Decimal(demandShares).gte(new Decimal(tier.min_multiple).times(offering.tranches.hong_kong_initial))) found = tier;
  }
  return found;
}

/**
 * The tranche a tier sets: hong_kong_pct% of offer_shares (before over-allotment), rounded down
 * to whole board lots. A tier never shrinks the tranche below the initial Hong Kong shares
 * (a clawback only moves shares into Hong Kong).
 */
export function clawbackTrancheShares(tier: Tier, offering: Offering): number {
  const lot = offering.board_lot;
  const lots = new Decimal(offering.tranches.offer_shares).times(tier.hong_kong_pct).div(100).div(lot).floor().toNumber();
  return Math.max(offering.tranches.hong_kong_initial, lots * lot);
}

/**
 * Checks a discretionary reallocation against the offering's rules (offering.reallocation):
 * only when the offering allows one; only at exactly `required_final_price` when one is configured
 * (GL91-18: the bottom of the range); refused once the multiple reaches the first clawback tier
 * unless `only_below_first_tier` is false (2025 Mechanism A: on top of the tier reached); only into
 * an oversubscribed offer; whole lots; the tranche after it (the tier's tranche, or the initial one,
 * plus the shares) no larger than max_hong_kong_shares. Returns the tranche before the shares.
 */
function checkReallocation(shares: number, demandShares: number, price: Decimal, offering: Offering, tier: Tier | null): number {
  const rule = offering.reallocation;
  const initial = offering.tranches.hong_kong_initial;
  if (rule === undefined) throw new UsageError('this offering allows no reallocation to the Hong Kong Public Offering');
  if (!Number.isSafeInteger(shares) || shares < 0) throw new UsageError(`reallocation of ${shares} shares is not a whole number of shares`);
  if (shares % offering.board_lot !== 0) throw new UsageError(`reallocation of ${shares} shares is not a whole number of board lots of ${offering.board_lot}`);
  if (rule.required_final_price !== undefined && !price.eq(rule.required_final_price)) {
    throw new UsageError(`reallocation needs the final price to be ${rule.required_final_price}, not ${price.toString()}`);
  }
  if (tier !== null && rule.only_below_first_tier !== false) throw new UsageError('reallocation is not allowed: the subscription multiple reaches a clawback tier');
  if (demandShares <= initial) throw new UsageError('reallocation is not allowed: the Hong Kong Public Offering is not oversubscribed');
  const before = tier === null ? initial : clawbackTrancheShares(tier, offering);
  if (before + shares > rule.max_hong_kong_shares) {
    throw new UsageError(`reallocation of ${shares} shares would make the Hong Kong tranche ${before + shares}, above the maximum ${rule.max_hong_kong_shares}`);
  }
  return before;
}

/**
 * Sizes the tranche for a valid demand. `reallocateShares` undefined or 0 means none requested;
 * a reallocation the offering allows at a tier reached comes on top of that tier's tranche.
 * spec: issue 3 part 3; clawback tiers and reallocation limits come from the offering file.
 */
export function sizeTranche(demandShares: number, offering: Offering, price: Decimal, reallocateShares?: number): TrancheSizing {
  const initial = offering.tranches.hong_kong_initial;
  const tier = clawbackTier(demandShares, offering);
  let finalShares = initial;
  let reallocated = 0;
  if (reallocateShares !== undefined && reallocateShares !== 0) {
    const before = checkReallocation(reallocateShares, demandShares, price, offering, tier);
    reallocated = reallocateShares;
    finalShares = before + reallocated;
  } else if (tier !== null) {
    finalShares = clawbackTrancheShares(tier, offering);
  }
  return {
    initial_hong_kong_shares: initial,
    subscription_multiple: formatSubscriptionMultiple(demandShares, initial),
    demand_shares: demandShares,
    clawback: tier === null ? null : { min_multiple: tier.min_multiple, hong_kong_pct: tier.hong_kong_pct },
    reallocated_shares: reallocated,
    final_hong_kong_shares: finalShares,
    shortfall_to_international_shares: Math.max(0, finalShares - demandShares),
  };
}
