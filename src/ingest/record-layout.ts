/**
 * The columns of the three record types of instruction file format 1, declared once as data
 * (spec: instruction-file.md, "Records"). The parser, the record types and the field names in
 * rejections all derive from these lists.
 */

export const HEADER_FIELDS = ['record_type', 'format_version', 'stock_code', 'participant_id', 'participant_type', 'file_seq', 'created_at'] as const;

export const DETAIL_FIELDS = [
  'record_type', 'instruction_ref', 'input_time', 'applicant_id_type', 'applicant_id', 'applicant_name',
  'joint_applicants', 'shares', 'amount_paid', 'stock_account', 'refund_account', 'payment_time',
] as const;

export const TRAILER_FIELDS = ['record_type', 'record_count', 'total_shares', 'total_amount'] as const;

export type HeaderField = (typeof HEADER_FIELDS)[number];
export type DetailField = (typeof DETAIL_FIELDS)[number];
export type TrailerField = (typeof TRAILER_FIELDS)[number];

/** A D record with the right number of fields, as text (csv-parse `columns` output). */
export type DetailFields = Record<DetailField, string>;

/** Record types of format 1. */
export type RecordType = 'H' | 'D' | 'T';
