/**
 * The identifiers and texts of a payment run (docs/treasury.md, "The payment file"), all within
 * the schema's lengths (Max35Text ids, Max140Text names and remittance information):
 *
 * - MsgId `<stock code>-<value date YYYYMMDD>-RUN<run>`, e.g. `0020-20211229-RUN0001`: unique per
 *   offering, value date and run, so a bank never sees the same message id twice;
 * - PmtInfId `<MsgId>-1` (one block per file: one value date);
 * - EndToEndId: the refund reference (`R00000001`); for a credit batched per participant
 *   `<stock code>-RUN<run>-<participant_id>`, which the remittance advice maps to its refunds;
 * - InstrId `RUN<run>-<refund reference or participant_id>`: unique per issue, so a re-issued
 *   refund (same EndToEndId) is still a new instruction to the bank.
 */
import { InvariantError } from '../domain/errors';
import { dateText, hongKongDay, hongKongSecondOfDay } from '../ingest/iso-date-time';

export function runTag(run: number): string {
  return `RUN${String(run).padStart(4, '0')}`;
}

export function messageId(stockCode: string, valueDate: string, run: number): string {
  return checkMax35(`${stockCode}-${valueDate.replace(/-/g, '')}-${runTag(run)}`);
}

export function paymentInfoId(msgId: string): string {
  return checkMax35(`${msgId}-1`);
}

export function batchEndToEndId(stockCode: string, run: number, participantId: string): string {
  return checkMax35(`${stockCode}-${runTag(run)}-${participantId}`);
}

/** `key`: the refund reference, or the participant_id of a batched credit. */
export function instructionId(run: number, key: string): string {
  return checkMax35(`${runTag(run)}-${key}`);
}

function checkMax35(id: string): string {
  if (id.length > 35) throw new InvariantError(`payment id ${id} is longer than 35 characters`);
  return id;
}

/** Characters XML 1.0 cannot carry, and C0/C1 controls and line breaks (no place in a payee name). */
const NOT_PAYMENT_TEXT = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Anything paymentText would change: a character it replaces, two spaces, or space at either end. */
const NEEDS_CLEANING = new RegExp(`${NOT_PAYMENT_TEXT.source}| {2}|^\\s|\\s$`);

/**
 * Text for a name or remittance line of the payment file: control characters and line breaks
 * become spaces, runs of spaces one, trimmed, and at most `max` characters (Unicode code points, as
 * the schema counts them). Chinese and other scripts are kept as given (UTF-8).
 */
export function paymentText(text: string, max: number): string {
  // Fast path (a million names a run): nothing to clean, and short enough in UTF-16 units already.
  const clean = NEEDS_CLEANING.test(text) ? text.replace(NOT_PAYMENT_TEXT, ' ').replace(/ {2,}/g, ' ').trim() : text;
  if (clean.length <= max) return clean;
  const chars = Array.from(clean);
  return chars.length <= max ? clean : chars.slice(0, max).join('').trimEnd();
}

export interface RemittanceSubject {
  stockCode: string;
  issuer: string;
}

function withIssuer(s: RemittanceSubject, tail: string): string {
  // The issuer's name is shortened first, so the offering's code and the instruction always fit in 140.
  const room = 140 - `IPO refund ${s.stockCode} : ${tail}`.length;
  const issuer = paymentText(s.issuer, Math.max(room, 0));
  return paymentText(`IPO refund ${s.stockCode} ${issuer}: ${tail}`, 140);
}

/** `IPO refund 0020 SenseTime Group Inc.: BRK001 B1-0002 file 1 line 3 REJECTED` */
export function refundRemittance(s: RemittanceSubject, r: { participant_id: string; instruction_ref: string; file_seq: string; line: string; reason: string }): string {
  return withIssuer(s, `${r.participant_id} ${r.instruction_ref} file ${r.file_seq} line ${r.line} ${r.reason}`);
}

/** `IPO refund 0020 SenseTime Group Inc.: BRK001 20 refunds, remittance advice 0020-RUN0001-BRK001` */
export function batchRemittance(s: RemittanceSubject, participantId: string, refunds: number, endToEndId: string): string {
  return withIssuer(s, `${participantId} ${refunds} refund${refunds === 1 ? '' : 's'}, remittance advice ${endToEndId}`);
}

/** GrpHdr/CreDtTm from an instant (whole epoch seconds): Hong Kong time with its offset, `2021-12-28T17:30:00+08:00`. */
export function creationDateTime(epochSeconds: number): string {
  const s = hongKongSecondOfDay(epochSeconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${dateText(hongKongDay(epochSeconds))}T${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}+08:00`;
}
