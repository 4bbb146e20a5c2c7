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

/** demand / initial, rounded down to two decimals, as text (e.g. "227.58"). Exact, in integers. */
export function formatSubscriptionMultiple(demandShares: number, initialShares: number): string {
  const hundredths = (BigInt(demandShares) * 100n) / BigInt(initialShares);
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
 * Checks a discretionary reallocation (HKEX Guidance Letter GL91-18 practice, as configured in
 * offering.reallocation): only when the offering allows one, the final price is exactly
 * required_final_price, the Hong Kong offer is oversubscribed but below the first clawback tier,
 * and the tranche after it is a whole number of lots no larger than max_hong_kong_shares.
 */
function checkReallocation(shares: number, demandShares: number, price: Decimal, offering: Offering): void {
  const rule = offering.reallocation;
  const initial = offering.tranches.hong_kong_initial;
  if (rule === undefined) throw new UsageError('this offering allows no reallocation to the Hong Kong Public Offering');
  if (!Number.isSafeInteger(shares) || shares < 0) throw new UsageError(`reallocation of ${shares} shares is not a whole number of shares`);
  if (shares % offering.board_lot !== 0) throw new UsageError(`reallocation of ${shares} shares is not a whole number of board lots of ${offering.board_lot}`);
  if (!price.eq(rule.required_final_price)) throw new UsageError(`reallocation needs the final price to be ${rule.required_final_price}, not ${price.toString()}`);
  if (clawbackTier(demandShares, offering) !== null) throw new UsageError('reallocation is not allowed: the subscription multiple reaches a clawback tier');
  if (demandShares <= initial) throw new UsageError('reallocation is not allowed: the Hong Kong Public Offering is not oversubscribed');
  if (initial + shares > rule.max_hong_kong_shares) {
    throw new UsageError(`reallocation of ${shares} shares would make the Hong Kong tranche ${initial + shares}, above the maximum ${rule.max_hong_kong_shares}`);
  }
}

/**
 * Sizes the tranche for a valid demand. `reallocateShares` undefined or 0 means none requested.
 * spec: issue 3 part 3; clawback tiers and reallocation limits come from the offering file.
 */
export function sizeTranche(demandShares: number, offering: Offering, price: Decimal, reallocateShares?: number): TrancheSizing {
  const initial = offering.tranches.hong_kong_initial;
  const tier = clawbackTier(demandShares, offering);
  let finalShares = initial;
  let reallocated = 0;
  if (reallocateShares !== undefined && reallocateShares !== 0) {
    checkReallocation(reallocateShares, demandShares, price, offering);
    reallocated = reallocateShares;
    finalShares = initial + reallocated;
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
