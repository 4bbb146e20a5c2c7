/**
 * A verdict on a D record as kept durably for allocation (domain/types.ts StoredInstruction).
 */
import type { Channel, StoredInstruction } from '../domain/types';
import type { DetailVerdict } from './detail-rules';

export interface StoredFileIdentity {
  participant_id: string;
  channel: Channel;
  file_seq: number;
  file_sha256: string;
  file_name: string;
}

export function toStoredInstruction(v: DetailVerdict, file: StoredFileIdentity): StoredInstruction {
  const f = v.fields;
  return {
    participant_id: file.participant_id,
    channel: file.channel,
    file_seq: file.file_seq,
    file_sha256: file.file_sha256,
    file_name: file.file_name,
    line: v.line,
    instruction_ref: f.instruction_ref,
    input_time: f.input_time,
    applicant_ids: v.applicant_ids,
    applicant_name: f.applicant_name,
    shares_text: f.shares,
    shares: v.shares,
    amount_paid_text: f.amount_paid,
    amount_paid: v.amount_paid,
    stock_account: f.stock_account,
    refund_account: f.refund_account,
    payment_time: f.payment_time,
    status: v.rejection ? 'REJECTED' : 'ACCEPTED',
    reason_code: v.rejection ? v.rejection.code : null,
    detail: v.rejection ? v.rejection.detail : '',
  };
}
