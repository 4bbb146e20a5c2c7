/**
 * Amount paid (spec: instruction-file.md, D field 9 and "Amount payable"): money with exactly two
 * decimals, equal to the cent to the amount payable for the quantity at the maximum offer price.
 * The table of amounts is computed once per offering (money/amount-payable.ts, decimal.js).
 */
import { Rejection, rejection } from '../domain/reasons';
import { amountPayableText } from '../money/amount-payable';
import { AMOUNT_PATTERN, Decimal } from '../money/money';
import type { Offering } from '../offering/schema';

/** Non-negative money `d+.dd` (a paid amount cannot be negative). */

/** Field 9 as money text, or null when it cannot be read as money (manual refund). */
export function readAmountPaid(text: string): string | null {
  return AMOUNT_PATTERN.test(text) ? text : null;
}

const tables = new WeakMap<Offering, ReadonlyMap<number, string>>();

/** Amount payable at the maximum offer price for each permitted quantity (worked out once per offering). */
export function payableTable(offering: Offering): ReadonlyMap<number, string> {
  let table = tables.get(offering);
  if (!table) {
    table = new Map(offering.permitted_quantities.map((q) => [q, amountPayableText(q, offering.price.maximum, offering.fees)]));
    tables.set(offering, table);
  }
  return table;
}

export function amountFormatRule(amount: string, line: number): Rejection | null {
  return AMOUNT_PATTERN.test(amount) ? null : rejection('AMOUNT_INVALID', line, { field: 'amount_paid', value: amount });
}

/** Run only once the quantity is permitted (so an amount payable exists). */
export function amountPayableRule(amount: string, shares: number, line: number, payable: ReadonlyMap<number, string>): Rejection | null {
  const expected = payable.get(shares);
  // Both texts are canonical money (no leading zeros, two decimals): equal text is equal value.
  if (expected === undefined || amount === expected || new Decimal(amount).equals(expected)) return null;
  return rejection('AMOUNT_INCORRECT', line, { field: 'amount_paid', value: amount, extra: `expected ${expected}, got ${amount}` });
}
