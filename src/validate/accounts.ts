/**
 * Stock and refund accounts (spec: instruction-file.md, D fields 10 and 11). The CCASS channels
 * credit a stock account and refund to the participant's designated account; WHITE_FORM issues
 * certificates and refunds to the paying account (or by cheque when empty).
 */
import { Rejection, rejection } from '../domain/reasons';
import type { Channel } from '../domain/types';
import type { DetailFields } from '../ingest/record-layout';

const STOCK_ACCOUNT = /^[A-Z0-9-]{1,20}$/;
/** Bank code, branch, account number: 3-3-6..12 digits (also the registry's designated_bank_account). */
export const BANK_ACCOUNT = /^[0-9]{3}-[0-9]{3}-[0-9]{6,12}$/;

export function stockAccountRule(f: DetailFields, line: number, channel: Channel): Rejection | null {
  if (channel === 'WHITE_FORM') {
    return f.stock_account === '' ? null : rejection('STOCK_ACCOUNT_NOT_ALLOWED', line, { field: 'stock_account', value: f.stock_account });
  }
  if (f.stock_account === '') return rejection('STOCK_ACCOUNT_MISSING', line, { field: 'stock_account' });
  return STOCK_ACCOUNT.test(f.stock_account) ? null : rejection('STOCK_ACCOUNT_INVALID', line, { field: 'stock_account', value: f.stock_account });
}

export function refundAccountRule(f: DetailFields, line: number, channel: Channel): Rejection | null {
  if (f.refund_account === '') return null;
  if (channel !== 'WHITE_FORM') return rejection('REFUND_ACCOUNT_NOT_ALLOWED', line, { field: 'refund_account', value: f.refund_account });
  return BANK_ACCOUNT.test(f.refund_account) ? null : rejection('REFUND_ACCOUNT_INVALID', line, { field: 'refund_account', value: f.refund_account });
}
