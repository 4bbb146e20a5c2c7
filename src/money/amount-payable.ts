/**
 * The amount payable for a quantity at a price (spec: instruction-file.md, "Amount payable"):
 * consideration c = q x p; each fee is c x rate rounded to the cent half-up on its own; the
 * amount is c plus those rounded fees.
 */
import { Decimal, formatMoney, toCents } from './money';

export interface FeeRate {
  /** e.g. `brokerage`, `sfc_transaction_levy`. */
  name: string;
  /** Decimal rate as text, e.g. `"0.01"` for 1%. */
  rate: string;
}

export interface AmountBreakdown {
  consideration: Decimal;
  fees: { name: string; amount: Decimal }[];
  total: Decimal;
}

export function amountBreakdown(shares: number, price: string | Decimal, fees: readonly FeeRate[]): AmountBreakdown {
  const consideration = new Decimal(price).times(shares);
  const rounded = fees.map((f) => ({ name: f.name, amount: toCents(consideration.times(f.rate)) }));
  const total = rounded.reduce((sum, f) => sum.plus(f.amount), consideration);
  return { consideration, fees: rounded, total };
}

/** The amount payable as a Decimal (to the cent, since the price has at most 3 decimals x whole shares). */
export function amountPayable(shares: number, price: string | Decimal, fees: readonly FeeRate[]): Decimal {
  return toCents(amountBreakdown(shares, price, fees).total);
}

/** The amount payable as money text with two decimals. */
export function amountPayableText(shares: number, price: string | Decimal, fees: readonly FeeRate[]): string {
  return formatMoney(amountPayable(shares, price, fees));
}
