/**
 * Whole-file rules (spec: instruction-file.md, "What a file gets back"). The verdict takes the
 * first fault in this precedence order; within one category the earliest line wins:
 *
 *   0. BOOK_CLOSED                        (checked by the pipeline before the file is read)
 *   -  limits    FILE_TOO_LARGE, LINE_TOO_LONG, FIELD_TOO_LONG, TOO_MANY_RECORDS (docs/limits.md),
 *                even without a trailer: a breach only grows with the file
 *   -  no trailer: the file is incomplete and left in the inbox, unless the lists are closed
 *   1. encoding   FILE_NOT_UTF8
 *   2. CSV        FILE_NOT_CSV
 *   3. structure  FILE_EMPTY, RECORD_TYPE_UNKNOWN, HEADER_MISSING, HEADER_REPEATED, TRAILER_NOT_LAST,
 *                 FILE_INCOMPLETE (lists closed and still no trailer)
 *   4. header     HEADER_MALFORMED (field count, then fields in order)
 *   5. participant PARTICIPANT_FOLDER_MISMATCH, PARTICIPANT_UNKNOWN, PARTICIPANT_TYPE_MISMATCH,
 *                 PARTICIPANT_SUSPENDED
 *   6. STOCK_CODE_MISMATCH
 *   7. FILE_SEQ_REPLAYED                  (a file_seq already accepted from the participant)
 *   8. TRAILER_MALFORMED
 *   9. TRAILER_COUNT_MISMATCH, TRAILER_SHARES_MISMATCH, TRAILER_AMOUNT_MISMATCH
 * DUPLICATE_FILE (a byte-identical re-drop of an accepted file) is decided by the pipeline on the
 * file's SHA-256 before parsing: it is an answer, not a rejection.
 */
import { Rejection, rejection } from '../domain/reasons';
import type { Participant, ParticipantRegistry } from '../domain/types';
import type { Offering } from '../offering/schema';
import type { HeaderRecord } from '../ingest/header-record';
import type { FileShape } from '../ingest/parse-file';
import { compareControlTotals } from '../ingest/control-totals';

export interface FileContext {
  /** The inbox folder the file was dropped in (the sender's identity). */
  folder: string;
  offering: Offering;
  participants: ParticipantRegistry;
  /** Cross-file state: was this file_seq already accepted from this participant? */
  fileSeqAccepted: (fileSeq: number) => boolean;
  /** The application lists have closed: an incomplete file is rejected rather than left waiting. */
  closeLists: boolean;
}

export type FileVerdict =
  | { kind: 'incomplete' }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'accepted'; participant: Participant; header: HeaderRecord };

/** Folder, registry, type, status (in that order). The participant when all pass. */
export function participantRule(header: HeaderRecord, folder: string, participants: ParticipantRegistry): { ok: true; participant: Participant } | { ok: false; rejection: Rejection } {
  const bad = (code: Parameters<typeof rejection>[0], field: string, value: string, extra?: string) =>
    ({ ok: false as const, rejection: rejection(code, header.line, extra === undefined ? { field, value } : { field, value, extra }) });
  if (header.participant_id !== folder) return bad('PARTICIPANT_FOLDER_MISMATCH', 'participant_id', header.participant_id, `folder ${folder}`);
  const participant = participants.get(header.participant_id);
  if (!participant) return bad('PARTICIPANT_UNKNOWN', 'participant_id', header.participant_id);
  if (participant.participant_type !== header.participant_type) return bad('PARTICIPANT_TYPE_MISMATCH', 'participant_type', header.participant_type, `registry says ${participant.participant_type}`);
  if (participant.status !== 'ACTIVE') return bad('PARTICIPANT_SUSPENDED', 'participant_id', header.participant_id);
  return { ok: true, participant };
}

export function stockCodeRule(header: HeaderRecord, offering: Offering): Rejection | null {
  return header.stock_code === offering.stock_code ? null : rejection('STOCK_CODE_MISMATCH', header.line, { field: 'stock_code', value: header.stock_code, extra: `offering ${offering.stock_code}` });
}

export function fileSeqRule(header: HeaderRecord, ctx: FileContext): Rejection | null {
  return ctx.fileSeqAccepted(header.file_seq) ? rejection('FILE_SEQ_REPLAYED', header.line, { field: 'file_seq', value: String(header.file_seq) }) : null;
}

export function judgeFile(shape: FileShape, ctx: FileContext): FileVerdict {
  const rejected = (r: Rejection): FileVerdict => ({ kind: 'rejected', rejection: r });
  const { faults } = shape;
  if (faults.limit) return rejected(faults.limit);
  if (!shape.trailerSeen && !ctx.closeLists) return { kind: 'incomplete' };
  if (faults.encoding) return rejected(faults.encoding);
  if (faults.csv) return rejected(faults.csv);
  if (faults.structure) return rejected(faults.structure);
  if (!shape.trailerSeen) return rejected(rejection('FILE_INCOMPLETE', 0));
  if (faults.header) return rejected(faults.header);
  const header = shape.header;
  if (!header) return rejected(rejection('HEADER_MISSING', 0));
  const who = participantRule(header, ctx.folder, ctx.participants);
  if (!who.ok) return rejected(who.rejection);
  const later = stockCodeRule(header, ctx.offering) ?? fileSeqRule(header, ctx) ?? faults.trailer ?? null;
  if (later) return rejected(later);
  if (!shape.trailer) return rejected(rejection('TRAILER_MALFORMED', 0));
  const totals = compareControlTotals(shape.totals, shape.trailer);
  if (totals) return rejected(totals);
  return { kind: 'accepted', participant: who.participant, header };
}
