/**
 * The T record (spec: instruction-file.md, "T: trailer", 4 fields). Shape only; the totals are
 * compared with the D records by control-totals.ts.
 */
import { Rejection, rejection } from '../domain/reasons';
import { AMOUNT_PATTERN } from '../money/money';
import { TRAILER_FIELDS } from './record-layout';

export interface TrailerRecord {
  line: number;
  record_count: bigint;
  total_shares: bigint;
  /** Money text `d+.dd`. */
  total_amount: string;
}

export type TrailerResult = { ok: true; trailer: TrailerRecord } | { ok: false; rejection: Rejection };

const WHOLE = /^(0|[1-9][0-9]*)$/;

export function parseTrailerRecord(fields: readonly string[], line: number): TrailerResult {
  const bad = (field: string, value: string, extra: string): TrailerResult =>
    ({ ok: false, rejection: rejection('TRAILER_MALFORMED', line, { field, value, extra }) });
  if (fields.length !== TRAILER_FIELDS.length) {
    return { ok: false, rejection: rejection('TRAILER_MALFORMED', line, { field: 'record', extra: `${fields.length} fields, a trailer has ${TRAILER_FIELDS.length}` }) };
  }
  const [, record_count, total_shares, total_amount] = fields as [string, string, string, string];
  if (!WHOLE.test(record_count)) return bad('record_count', record_count, 'must be a whole number');
  if (!WHOLE.test(total_shares)) return bad('total_shares', total_shares, 'must be a whole number');
  if (!AMOUNT_PATTERN.test(total_amount)) return bad('total_amount', total_amount, 'must be an amount with two decimals');
  return { ok: true, trailer: { line, record_count: BigInt(record_count), total_shares: BigInt(total_shares), total_amount } };
}
