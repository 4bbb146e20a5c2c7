/**
 * Money on decimal.js, never JavaScript numbers. Amounts travel as strings with exactly two
 * decimals (`"4030.21"`) and are computed as Decimal. No I/O.
 */
import DecimalBase from 'decimal.js';

/** A private Decimal constructor: 40 significant digits, half-up, so nothing global is changed. */
export const Decimal = DecimalBase.clone({ precision: 40, rounding: DecimalBase.ROUND_HALF_UP });
export type Decimal = InstanceType<typeof Decimal>;

/** Money as written in files: optional minus, digits, exactly two decimals. */
export const MONEY_PATTERN = /^-?(0|[1-9][0-9]*)\.[0-9]{2}$/;

/** An amount as the instruction file writes it: non-negative, exactly two decimals. */
export const AMOUNT_PATTERN = /^(0|[1-9][0-9]*)\.[0-9]{2}$/;

/** Parses `d+.dd` (as the spec's amount fields require); null when the text is not money. */
export function parseMoney(text: string): Decimal | null {
  return MONEY_PATTERN.test(text) ? new Decimal(text) : null;
}

/** Rounds to the cent, half-up. */
export function toCents(value: Decimal): Decimal {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Formats with exactly two decimals (half-up), no thousands separators. */
export function formatMoney(value: Decimal): string {
  return toCents(value).toFixed(2);
}

export function sumMoney(values: Iterable<Decimal | string>): Decimal {
  let total = new Decimal(0);
  for (const v of values) total = total.plus(v);
  return total;
}

/** Formats a whole number with thousands separators, as announcements do: 1,000. */
export function formatThousands(n: number | bigint): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
