/**
 * The record-level rules of a D record, in the order they run (spec: instruction-file.md,
 * "D: one application instruction a record"). The first failing rule gives the record's single
 * reason code. The order follows the fields, each field's own rules before the next field:
 *
 *   1. FIELD_COUNT                         (ingest: not 12 fields)
 *   2. instruction_ref   REF_INVALID, REF_REUSED (earlier record of this file, or an accepted file)
 *   3. input_time        INPUT_TIME_INVALID, OUTSIDE_WINDOW
 *   4. applicant_id_type ID_TYPE_INVALID
 *   5. applicant_id      ID_INVALID, HKID_CHECK_DIGIT
 *   6. applicant_name    NAME_INVALID
 *   7. joint_applicants  JOINT_APPLICANTS_INVALID, ID_INVALID, HKID_CHECK_DIGIT
 *   8. shares            QUANTITY_OVER_CAP, QUANTITY_NOT_PERMITTED
 *   9. amount_paid       AMOUNT_INVALID, AMOUNT_INCORRECT
 *  10. stock_account     STOCK_ACCOUNT_MISSING, STOCK_ACCOUNT_INVALID, STOCK_ACCOUNT_NOT_ALLOWED
 *  11. refund_account    REFUND_ACCOUNT_NOT_ALLOWED, REFUND_ACCOUNT_INVALID
 *  12. payment_time      PAYMENT_TIME_NOT_ALLOWED, PAYMENT_TIME_MISSING, PAYMENT_TIME_INVALID, PAYMENT_LATE
 *
 * A ref counts as used once any D record carried it (accepted or rejected), as long as the ref
 * itself is well-formed.
 */
import { Rejection, rejection, ReasonCode } from '../domain/reasons';
import { maskUntrusted } from '../domain/mask';
import type { Channel } from '../domain/types';
import type { Offering } from '../offering/schema';
import { DETAIL_FIELDS, DetailFields } from '../ingest/record-layout';
import type { DetailEvent } from '../ingest/detail-stream';
import { firstApplicantRule, jointApplicantsRule, nameRule, readableApplicantIds } from './applicants';
import { inputTimeRule, paymentTimeRule } from './times';
import { quantityRule, readShares } from './quantities';
import { amountFormatRule, amountPayableRule, payableTable, readAmountPaid } from './amounts';
import { refundAccountRule, stockAccountRule } from './accounts';

const REF = /^[A-Za-z0-9-]{1,32}$/;

/** Everything a D record is judged against, fixed for one file. */
export interface DetailContext {
  offering: Offering;
  channel: Channel;
  permitted: ReadonlySet<number>;
  payable: ReadonlyMap<number, string>;
  /** Refs the participant used in files accepted before this one (cross-file state). */
  refUsedBefore: (ref: string) => boolean;
  /** Refs seen so far in this file (grows as the file is read). */
  refsInFile: Set<string>;
}

const permittedSets = new WeakMap<Offering, ReadonlySet<number>>();

export function createDetailContext(offering: Offering, channel: Channel, refUsedBefore: (ref: string) => boolean): DetailContext {
  let permitted = permittedSets.get(offering);
  if (!permitted) {
    permitted = new Set(offering.permitted_quantities);
    permittedSets.set(offering, permitted);
  }
  return { offering, channel, permitted, payable: payableTable(offering), refUsedBefore, refsInFile: new Set() };
}

/** The verdict on one D record plus what could be read of it. */
export interface DetailVerdict {
  line: number;
  fields: DetailFields;
  rejection: Rejection | null;
  applicant_ids: string[];
  shares: number | null;
  amount_paid: string | null;
}

type Rule = { name: string; codes: readonly ReasonCode[]; check: (f: DetailFields, line: number, ctx: DetailContext) => Rejection | null };

/** The ordered list (documented above and in docs/formats-input.md). */
export const DETAIL_RULES: readonly Rule[] = [
  { name: 'refIsValid', codes: ['REF_INVALID'], check: (f, line) => (REF.test(f.instruction_ref) ? null : rejection('REF_INVALID', line, { field: 'instruction_ref', value: maskUntrusted(f.instruction_ref) })) },
  {
    name: 'refNotReused',
    codes: ['REF_REUSED'],
    check: (f, line, ctx) =>
      ctx.refsInFile.has(f.instruction_ref) || ctx.refUsedBefore(f.instruction_ref)
        ? rejection('REF_REUSED', line, { field: 'instruction_ref', value: f.instruction_ref, extra: ctx.refsInFile.has(f.instruction_ref) ? 'earlier in this file' : 'in a file accepted before' })
        : null,
  },
  { name: 'withinChannelWindow', codes: ['INPUT_TIME_INVALID', 'OUTSIDE_WINDOW'], check: (f, line, ctx) => inputTimeRule(f, line, ctx.channel, ctx.offering) },
  { name: 'firstApplicantValid', codes: ['ID_TYPE_INVALID', 'ID_INVALID', 'HKID_CHECK_DIGIT'], check: (f, line) => firstApplicantRule(f, line) },
  { name: 'nameValid', codes: ['NAME_INVALID'], check: (f, line) => nameRule(f, line) },
  { name: 'jointApplicantsValid', codes: ['JOINT_APPLICANTS_INVALID', 'ID_INVALID', 'HKID_CHECK_DIGIT'], check: (f, line) => jointApplicantsRule(f, line) },
  { name: 'quantityPermitted', codes: ['QUANTITY_OVER_CAP', 'QUANTITY_NOT_PERMITTED'], check: (f, line, ctx) => quantityRule(f.shares, line, ctx.offering, ctx.permitted) },
  { name: 'amountIsMoney', codes: ['AMOUNT_INVALID'], check: (f, line) => amountFormatRule(f.amount_paid, line) },
  { name: 'amountIsPayable', codes: ['AMOUNT_INCORRECT'], check: (f, line, ctx) => amountPayableRule(f.amount_paid, Number(f.shares), line, ctx.payable) },
  { name: 'stockAccountForChannel', codes: ['STOCK_ACCOUNT_MISSING', 'STOCK_ACCOUNT_INVALID', 'STOCK_ACCOUNT_NOT_ALLOWED'], check: (f, line, ctx) => stockAccountRule(f, line, ctx.channel) },
  { name: 'refundAccountForChannel', codes: ['REFUND_ACCOUNT_NOT_ALLOWED', 'REFUND_ACCOUNT_INVALID'], check: (f, line, ctx) => refundAccountRule(f, line, ctx.channel) },
  { name: 'paymentInTime', codes: ['PAYMENT_TIME_NOT_ALLOWED', 'PAYMENT_TIME_MISSING', 'PAYMENT_TIME_INVALID', 'PAYMENT_LATE'], check: (f, line, ctx) => paymentTimeRule(f, line, ctx.channel, ctx.offering) },
];

/** Field positions to names for a record with the wrong number of fields (missing ones empty). */
function fieldsFromArray(values: readonly string[]): DetailFields {
  return Object.fromEntries(DETAIL_FIELDS.map((name, i) => [name, values[i] ?? ''])) as DetailFields;
}

/** Judges one D record; updates the file's seen refs. */
export function validateDetail(ev: DetailEvent, ctx: DetailContext): DetailVerdict {
  if (ev.kind === 'detail-field-count') {
    const fields = fieldsFromArray(ev.fields);
    if (REF.test(fields.instruction_ref)) ctx.refsInFile.add(fields.instruction_ref);
    return {
      line: ev.line,
      fields,
      rejection: rejection('FIELD_COUNT', ev.line, { field: 'record', extra: `${ev.fields.length} fields` }),
      applicant_ids: ev.fields.length >= 7 ? readableApplicantIds(fields) : [],
      shares: ev.fields.length >= 8 ? readShares(fields.shares) : null,
      amount_paid: ev.fields.length >= 9 ? readAmountPaid(fields.amount_paid) : null,
    };
  }
  const f = ev.fields;
  let found: Rejection | null = null;
  for (const rule of DETAIL_RULES) {
    found = rule.check(f, ev.line, ctx);
    if (found) break;
  }
  if (REF.test(f.instruction_ref)) ctx.refsInFile.add(f.instruction_ref);
  return { line: ev.line, fields: f, rejection: found, applicant_ids: readableApplicantIds(f), shares: readShares(f.shares), amount_paid: readAmountPaid(f.amount_paid) };
}
