/**
 * The closed list of reason codes. Used by acknowledgements, results, summary and logs alike;
 * docs/reasons.md is generated from this table (`npm run docs:reasons`). Codes are stable: once
 * published, never renamed.
 */
import { cutText, maskIdentityShapes } from './mask';

export type ReasonLevel = 'FILE' | 'RECORD' | 'ALLOCATION';

export interface ReasonEntry {
  readonly code: string;
  readonly level: ReasonLevel;
  /** The spec clause it enforces. */
  readonly clause: string;
  /** Plain words, completing "<field> <value> ..." in an acknowledgement detail. */
  readonly predicate: string;
  /** An example of input that triggers it. */
  readonly example: string;
}

const entries = [
  // --- whole file (instruction-file.md, "What a file gets back") ---
  { code: 'FILE_NOT_UTF8', level: 'FILE', clause: 'Encoding', predicate: 'is not valid UTF-8', example: 'a file saved in Big5 or Latin-1' },
  { code: 'FILE_NOT_CSV', level: 'FILE', clause: 'Encoding', predicate: 'is not a valid CSV record', example: 'a field with an unclosed quote: D,"REF1,...' },
  { code: 'FILE_EMPTY', level: 'FILE', clause: 'Records', predicate: 'has no records', example: 'a zero-byte file' },
  { code: 'FILE_INCOMPLETE', level: 'FILE', clause: 'Where files arrive', predicate: 'has no trailer record when the application lists closed', example: 'an upload that stopped half way' },
  { code: 'RECORD_TYPE_UNKNOWN', level: 'FILE', clause: 'Records', predicate: 'is not a record type H, D or T', example: 'X,1,2' },
  { code: 'HEADER_MISSING', level: 'FILE', clause: 'H: header', predicate: 'is not a header record; the first record must be H', example: 'a file starting with a D record' },
  { code: 'HEADER_MALFORMED', level: 'FILE', clause: 'H: header', predicate: 'breaks the header rule', example: 'H,1,0020,BRK001,CLEARING,0,2021-12-20T09:00:00 (file_seq 0)' },
  { code: 'HEADER_REPEATED', level: 'FILE', clause: 'H: header', predicate: 'is a second header record; H must appear exactly once', example: 'two H records' },
  { code: 'TRAILER_MALFORMED', level: 'FILE', clause: 'T: trailer', predicate: 'breaks the trailer rule', example: 'T,2,3000,abc' },
  { code: 'TRAILER_NOT_LAST', level: 'FILE', clause: 'T: trailer', predicate: 'is followed by further records; T must be the last record', example: 'a D record after the T record' },
  { code: 'TRAILER_COUNT_MISMATCH', level: 'FILE', clause: 'T: trailer', predicate: 'differs from the number of D records', example: 'T,3,... over two D records' },
  { code: 'TRAILER_SHARES_MISMATCH', level: 'FILE', clause: 'T: trailer', predicate: 'differs from the sum of shares over the D records', example: 'T,2,4000,... over 1,000 + 2,000 shares' },
  { code: 'TRAILER_AMOUNT_MISMATCH', level: 'FILE', clause: 'T: trailer', predicate: 'differs from the sum of amount_paid over the D records', example: 'T,1,1000,4030.20 over 4030.21' },
  { code: 'STOCK_CODE_MISMATCH', level: 'FILE', clause: 'H: header, field 3', predicate: "is not this offering's stock code", example: 'H,1,0700,...' },
  { code: 'PARTICIPANT_FOLDER_MISMATCH', level: 'FILE', clause: 'Where files arrive', predicate: 'is not the participant whose folder the file was dropped in', example: 'BRK002 in inbox/BRK001/' },
  { code: 'PARTICIPANT_UNKNOWN', level: 'FILE', clause: 'Participant registry', predicate: 'is not in the participant registry', example: 'ZZZ999 not in participants.csv' },
  { code: 'PARTICIPANT_SUSPENDED', level: 'FILE', clause: 'Participant registry', predicate: 'is SUSPENDED in the participant registry', example: 'status SUSPENDED' },
  { code: 'PARTICIPANT_TYPE_MISMATCH', level: 'FILE', clause: 'H: header, field 5', predicate: "is not the participant's type in the registry", example: 'CUSTODIAN for a CLEARING participant' },
  { code: 'FILE_SEQ_REPLAYED', level: 'FILE', clause: 'H: header, field 6', predicate: 'was already accepted from this participant (replay)', example: 'file_seq 7 twice, different contents' },
  { code: 'BOOK_CLOSED', level: 'FILE', clause: 'What a file gets back', predicate: 'arrived after the book was closed for allocation', example: 'a file dropped after the allocation batch started' },
  { code: 'DUPLICATE_FILE', level: 'FILE', clause: 'What a file gets back', predicate: 'is byte-identical to a file already accepted; nothing is counted twice', example: 'the same file dropped twice' },
  // --- whole file, limits of this processor (docs/limits.md; the offering's ingest_limits) ---
  { code: 'FILE_TOO_LARGE', level: 'FILE', clause: 'Ingest limits (docs/limits.md)', predicate: 'is larger than the largest file accepted', example: 'a 2 GB file over a limit of 512 MiB' },
  { code: 'LINE_TOO_LONG', level: 'FILE', clause: 'Ingest limits (docs/limits.md)', predicate: 'has a line longer than the longest line accepted', example: '100 MB of NUL bytes without a line end' },
  { code: 'FIELD_TOO_LONG', level: 'FILE', clause: 'Ingest limits (docs/limits.md)', predicate: 'is longer than the longest field accepted', example: 'a name of 3,000 bytes over a limit of 2,048' },
  { code: 'TOO_MANY_RECORDS', level: 'FILE', clause: 'Ingest limits (docs/limits.md)', predicate: 'has more records than one file may hold', example: '2,000,001 records over a limit of 2,000,000' },
  { code: 'FILE_UNPROCESSABLE', level: 'FILE', clause: 'Ingest limits (docs/limits.md)', predicate: 'could not be processed; it is kept in quarantine for the registrar to examine', example: 'a file that stopped the processor twice' },
  // --- one instruction (instruction-file.md, "D: one application instruction a record") ---
  { code: 'FIELD_COUNT', level: 'RECORD', clause: 'D: field count', predicate: 'does not have the 12 fields of a D record', example: 'D,REF1,2021-12-20T10:00:00' },
  { code: 'REF_INVALID', level: 'RECORD', clause: 'D field 2', predicate: 'is not 1-32 letters, digits or hyphens', example: 'REF 1' },
  { code: 'REF_REUSED', level: 'RECORD', clause: 'D field 2', predicate: 'was already used by this participant', example: 'REF1 in an earlier record or an accepted file' },
  { code: 'INPUT_TIME_INVALID', level: 'RECORD', clause: 'D field 3', predicate: 'is not an ISO 8601 date-time', example: '20/12/2021 10:00' },
  { code: 'OUTSIDE_WINDOW', level: 'RECORD', clause: 'Acceptance windows', predicate: "is outside the channel's acceptance window", example: 'CLEARING at 2021-12-20T20:31:00' },
  { code: 'ID_TYPE_INVALID', level: 'RECORD', clause: 'D field 4', predicate: 'is not HKID, PASSPORT, BR or CI', example: 'ID' },
  { code: 'ID_INVALID', level: 'RECORD', clause: 'D field 5', predicate: 'is not a valid number for its document type', example: 'BR 1234567 (7 digits)' },
  { code: 'HKID_CHECK_DIGIT', level: 'RECORD', clause: 'D field 5', predicate: 'has a wrong HKID check digit', example: 'A123456(7)' },
  { code: 'NAME_INVALID', level: 'RECORD', clause: 'D field 6', predicate: 'is empty or longer than 200 characters', example: '(empty)' },
  { code: 'JOINT_APPLICANTS_INVALID', level: 'RECORD', clause: 'D field 7', predicate: 'is not up to 3 TYPE:NUMBER entries separated by ;', example: 'HKID:A1234567;FOO:1' },
  { code: 'QUANTITY_NOT_PERMITTED', level: 'RECORD', clause: 'D field 8', predicate: 'is not one of the permitted application quantities', example: '1500' },
  { code: 'QUANTITY_OVER_CAP', level: 'RECORD', clause: 'D field 8', predicate: 'is more than the most one application may be for', example: '80000000 over a cap of 75,000,000' },
  { code: 'AMOUNT_INVALID', level: 'RECORD', clause: 'D field 9', predicate: 'is not an amount with exactly two decimals', example: '4030.2' },
  { code: 'AMOUNT_INCORRECT', level: 'RECORD', clause: 'D field 9 and Amount payable', predicate: 'is not the amount payable at the maximum offer price', example: '4030.20 for 1,000 shares (payable 4030.21)' },
  { code: 'STOCK_ACCOUNT_MISSING', level: 'RECORD', clause: 'D field 10', predicate: 'is required for a CCASS channel', example: 'empty for CLEARING' },
  { code: 'STOCK_ACCOUNT_INVALID', level: 'RECORD', clause: 'D field 10', predicate: 'is not 1-20 capital letters, digits or hyphens', example: 'acct#1' },
  { code: 'STOCK_ACCOUNT_NOT_ALLOWED', level: 'RECORD', clause: 'D field 10', predicate: 'must be empty for WHITE_FORM (certificates are issued instead)', example: '12345678 on a WHITE_FORM record' },
  { code: 'REFUND_ACCOUNT_INVALID', level: 'RECORD', clause: 'D field 11', predicate: 'is not a bank account NNN-NNN-N (3-3-6..12 digits)', example: '004-12-345' },
  { code: 'REFUND_ACCOUNT_NOT_ALLOWED', level: 'RECORD', clause: 'D field 11', predicate: "must be empty for a CCASS channel (refunds go to the participant's designated account)", example: '004-123-456789 on a CLEARING record' },
  { code: 'PAYMENT_TIME_MISSING', level: 'RECORD', clause: 'D field 12', predicate: 'is required for WHITE_FORM', example: 'empty on a WHITE_FORM record' },
  { code: 'PAYMENT_TIME_INVALID', level: 'RECORD', clause: 'D field 12', predicate: 'is not an ISO 8601 date-time', example: 'noon' },
  { code: 'PAYMENT_TIME_NOT_ALLOWED', level: 'RECORD', clause: 'D field 12', predicate: 'must be empty for a CCASS channel', example: 'a payment time on an INVESTOR record' },
  { code: 'PAYMENT_LATE', level: 'RECORD', clause: 'Acceptance windows', predicate: 'is outside the White Form payment window (before the application or after the deadline)', example: 'paid 2021-12-23T12:00:01' },
  // --- at allocation (instruction-file.md, last paragraph) ---
  { code: 'MULTIPLE_APPLICATION', level: 'ALLOCATION', clause: 'Multiple applications', predicate: 'appears in more than one valid instruction (multiple application)', example: 'HKID:A1234563 first applicant at BRK001 and joint applicant at INV001' },
  { code: 'OFFERING_LAPSED', level: 'ALLOCATION', clause: 'Lapse (the conditions of the offering were not fulfilled)', predicate: 'was not allotted: the offering lapsed and every amount paid is refunded in full', example: '`ccass-batch lapse --reason ...` after the underwriting was terminated' },
] as const satisfies readonly ReasonEntry[];

export type ReasonCode = (typeof entries)[number]['code'];
export const REASONS: readonly ReasonEntry[] = entries;
const byCode = new Map<string, ReasonEntry>(entries.map((e) => [e.code, e]));

export function reasonEntry(code: ReasonCode): ReasonEntry {
  const entry = byCode.get(code);
  if (!entry) throw new Error(`unknown reason code ${code}`);
  return entry;
}

/** Echoed input is cut to this many characters (identity numbers masked before, by the rules). */
export const ECHO_MAX_CHARS = 40;
/** The extra words of a detail are the processor's own, but may quote input (an amount): cut too. */
const EXTRA_MAX_CHARS = 160;

/**
 * A rejection is a value: code, where (line, field) and the plain-words detail rendered in one
 * place. `value` must already be masked where it is an identity document.
 */
export interface Rejection {
  code: ReasonCode;
  line: number;
  field?: string;
  detail: string;
}

/**
 * Renders the acknowledgement detail: `<field> "<value>" <predicate>[ (<extra>)]`. Whatever the
 * caller passes, the value is cut to ECHO_MAX_CHARS and the value and extra are passed through
 * maskIdentityShapes, so no detail can carry a whole line or a full HKID.
 */
export function rejection(
  code: ReasonCode,
  line: number,
  where: { field?: string; value?: string; extra?: string } = {},
): Rejection {
  const { predicate } = reasonEntry(code);
  // Cut a little beyond the limit first (bounded work however long the input), then mask, then cut.
  const echo = (text: string, max: number) => cutText(maskIdentityShapes(text.slice(0, max + 16)), max);
  const value = where.value !== undefined ? JSON.stringify(echo(where.value, ECHO_MAX_CHARS)) : undefined;
  const extra = where.extra ? echo(where.extra, EXTRA_MAX_CHARS) : undefined;
  const subject = [where.field, value]
    .filter((s) => s !== undefined && s !== '')
    .join(' ');
  const detail = `${subject ? subject + ' ' : ''}${predicate}${extra ? ` (${extra})` : ''}`;
  return where.field === undefined ? { code, line, detail } : { code, line, field: where.field, detail };
}
