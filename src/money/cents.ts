/**
 * Money as integer cents (BigInt), for the hot paths that add up a million amounts (the payment
 * run). Same rules as money.ts: text with exactly two decimals in, text with exactly two decimals
 * out, never a JavaScript number.
 */
import { AMOUNT_PATTERN } from './money';

/** `4030.21` -> 403021n; null unless the text is a non-negative amount `digits.dd`. */
export function parseCents(text: string): bigint | null {
  if (!AMOUNT_PATTERN.test(text)) return null;
  return BigInt(text.slice(0, -3) + text.slice(-2));
}

/**
 * `4030.21` -> 403021 as a number, for text already known to be `digits.dd` with at most 15
 * digits in all (below 10^15 cents: exact): the whole part times 100 plus the two decimals, no
 * string joined and no bigint made per amount (the ingest's control totals, the compact book).
 */
export function smallCentsOf(text: string): number {
  const n = text.length;
  return Number(text.slice(0, n - 3)) * 100 + (text.charCodeAt(n - 2) - 48) * 10 + (text.charCodeAt(n - 1) - 48);
}

/** 403021n -> `4030.21`; a negative amount keeps its sign (`-0.05`). */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The same for cents held as a number (a safe integer): no bigint made per amount. */
export function formatCentsOf(cents: number | bigint): string {
  if (typeof cents === 'bigint' || !Number.isSafeInteger(cents)) return formatCents(BigInt(cents));
  const negative = cents < 0;
  const digits = String(negative ? -cents : cents).padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
