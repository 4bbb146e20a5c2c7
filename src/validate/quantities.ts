/**
 * Shares applied for (spec: instruction-file.md, D field 8): one of the offering's permitted
 * application quantities. A whole number above max_application_shares is QUANTITY_OVER_CAP; any
 * other value not in the table (not a whole number, leading zeros, 1500...) QUANTITY_NOT_PERMITTED.
 */
import { Rejection, rejection } from '../domain/reasons';
import { formatThousands } from '../money/money';
import type { Offering } from '../offering/schema';

const WHOLE = /^(0|[1-9][0-9]*)$/;

/** Field 8 as a whole number of shares, or null (not a whole number, or beyond exact integers). */
export function readShares(text: string): number | null {
  if (!WHOLE.test(text) || text.length > 15) return null;
  return Number(text);
}

export function quantityRule(shares: string, line: number, offering: Offering, permitted: ReadonlySet<number>): Rejection | null {
  const isWhole = WHOLE.test(shares);
  // Up to 15 digits a whole number is exact as a Number; longer ones are compared as BigInt.
  if (isWhole && (shares.length <= 15 ? Number(shares) > offering.max_application_shares : BigInt(shares) > BigInt(offering.max_application_shares))) {
    return rejection('QUANTITY_OVER_CAP', line, { field: 'shares', value: shares, extra: `at most ${formatThousands(offering.max_application_shares)}` });
  }
  const n = readShares(shares);
  if (n === null || !permitted.has(n)) return rejection('QUANTITY_NOT_PERMITTED', line, { field: 'shares', value: shares });
  return null;
}
