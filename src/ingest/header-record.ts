/**
 * The H record (spec: instruction-file.md, "H: header", 7 fields). Shape only: whether the
 * participant is the folder's, known, active and of its registry type is decided in
 * validate/file-rules.ts.
 */
import { CHANNELS, Channel } from '../domain/types';
import { Rejection, rejection } from '../domain/reasons';
import { HEADER_FIELDS } from './record-layout';
import { parseIsoDateTime } from './iso-date-time';

export interface HeaderRecord {
  line: number;
  format_version: string;
  stock_code: string;
  participant_id: string;
  participant_type: Channel;
  file_seq: number;
  created_at: string;
}

export type HeaderResult = { ok: true; header: HeaderRecord } | { ok: false; rejection: Rejection };

const POSITIVE_INTEGER = /^[1-9][0-9]{0,14}$/;

/** Checks the fields of an H record in field order; the first broken rule is the rejection. */
export function parseHeaderRecord(fields: readonly string[], line: number): HeaderResult {
  const bad = (field: string, value: string, extra: string): HeaderResult =>
    ({ ok: false, rejection: rejection('HEADER_MALFORMED', line, { field, value, extra }) });
  if (fields.length !== HEADER_FIELDS.length) {
    return { ok: false, rejection: rejection('HEADER_MALFORMED', line, { field: 'record', extra: `${fields.length} fields, a header has ${HEADER_FIELDS.length}` }) };
  }
  const [, format_version, stock_code, participant_id, participant_type, file_seq, created_at] = fields as [string, string, string, string, string, string, string];
  if (format_version !== '1') return bad('format_version', format_version, 'must be 1');
  if (!/^\d{4,5}$/.test(stock_code)) return bad('stock_code', stock_code, 'must be four or five digits');
  if (!/^[A-Z0-9]{4,12}$/.test(participant_id)) return bad('participant_id', participant_id, 'must be 4-12 capital letters or digits');
  if (!(CHANNELS as readonly string[]).includes(participant_type)) return bad('participant_type', participant_type, `must be one of ${CHANNELS.join(', ')}`);
  if (!POSITIVE_INTEGER.test(file_seq)) return bad('file_seq', file_seq, 'must be a positive integer');
  if (parseIsoDateTime(created_at) === null) return bad('created_at', created_at, 'must be an ISO 8601 date-time');
  return {
    ok: true,
    header: { line, format_version, stock_code, participant_id, participant_type: participant_type as Channel, file_seq: Number(file_seq), created_at },
  };
}
