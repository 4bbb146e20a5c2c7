/**
 * One inbox file through ingest, crash-safe and idempotent:
 *
 *   recover?  a claim for this file + its bytes committed in the store: rewrite the ack from the
 *             store, finish the move (an interrupted run finishes instead of answering DUPLICATE_FILE)
 *   closed?   `<work>/book-closed.json` exists: BOOK_CLOSED, without opening the file
 *   hash      SHA-256 of the bytes; already accepted from this folder: DUPLICATE_FILE (single row)
 *   claim     `<work>/claims/<folder>/<file>.json`
 *   validate  streaming: parse (ingest) -> rules (validate) -> store writer (temporary JSONL)
 *   commit    the store's meta last; then the ack (rendered from the store) and the move
 *   unclaim
 *
 * Every step before the commit can be repeated; after it, the store is the truth and the ack is
 * always rendered from it, so a rerun gives byte-identical acks.
 */
import * as path from 'node:path';
import type { Logger } from 'pino';
import type { Channel, ParticipantRegistry } from '../domain/types';
import { rejection } from '../domain/reasons';
import type { Offering } from '../offering/schema';
import { parseInstructionFile } from '../ingest/parse-file';
import { createDetailContext, DetailContext, validateDetail } from '../validate/detail-rules';
import { fileSeqRule, judgeFile, participantRule, stockCodeRule, FileContext } from '../validate/file-rules';
import { toStoredInstruction } from '../validate/stored-instruction';
import { ackHeaderLine, ackLine, ackRowOf, AckRow, duplicateFileRow, fileRejectedRow } from '../validate/ack-rows';
import { InboxFile, moveIntoFolder, readFileChunks, sha256OfFile } from '../io/inbox';
import { readClaim, removeClaim, writeClaim } from '../io/claims';
import { writeAckFile } from '../io/ack-file';
import { openStoredFileWriter, readStoredFileMeta, streamStoredFile, StoredFileMeta, StoredFileWriter } from '../io/store';
import type { BookState } from './book-state';
import type { FileReport } from './ingest-report';

export interface FileEnv {
  offering: Offering;
  participants: ParticipantRegistry;
  workDir: string;
  closeLists: boolean;
  bookClosed: boolean;
  book: BookState;
  logger?: Logger;
  /** Test hook: called after the store commit, before the ack and the move (simulated crash). */
  afterCommit?: (file: InboxFile) => Promise<void> | void;
}

function baseReport(file: InboxFile): FileReport {
  return { folder: file.folder, file_name: file.name, outcome: 'INCOMPLETE', reason_code: null, records: 0, accepted: 0, rejected: 0, sha256: null, ack_path: null, moved_to: null, recovered: false };
}

async function* ackLinesFromStore(work: string, meta: StoredFileMeta): AsyncGenerator<string> {
  yield ackHeaderLine();
  for await (const si of streamStoredFile(work, meta.participant_id, meta.file_sha256)) yield ackLine(ackRowOf(si));
}

async function finishAccepted(file: InboxFile, meta: StoredFileMeta, env: FileEnv, recovered: boolean): Promise<FileReport> {
  const ack = await writeAckFile(env.workDir, file.folder, file.name, ackLinesFromStore(env.workDir, meta));
  const moved = await moveIntoFolder(file.path, path.join(env.workDir, 'processed', file.folder), file.name);
  await removeClaim(env.workDir, file.folder, file.name);
  return { ...baseReport(file), outcome: 'ACCEPTED', records: meta.records, accepted: meta.accepted, rejected: meta.rejected, sha256: meta.file_sha256, ack_path: ack, moved_to: moved, recovered };
}

/** A file answered with a single row (rejected whole, or a duplicate): ack, then move. */
async function finishSingleRow(file: InboxFile, row: AckRow, env: FileEnv, report: Partial<FileReport>): Promise<FileReport> {
  const ack = await writeAckFile(env.workDir, file.folder, file.name, [ackHeaderLine(), ackLine(row)]);
  const destination = row.status === 'DUPLICATE_FILE' ? 'processed' : 'quarantine';
  const moved = await moveIntoFolder(file.path, path.join(env.workDir, destination, file.folder), file.name);
  await removeClaim(env.workDir, file.folder, file.name);
  return { ...baseReport(file), ...report, outcome: row.status === 'DUPLICATE_FILE' ? 'DUPLICATE_FILE' : 'FILE_REJECTED', reason_code: row.reason_code, ack_path: ack, moved_to: moved };
}

export async function ingestFile(file: InboxFile, env: FileEnv): Promise<FileReport> {
  // Recovery: the run that claimed this file committed it to the store and stopped.
  const claim = await readClaim(env.workDir, file.folder, file.name);
  if (claim) {
    const sha = await sha256OfFile(file.path);
    const meta = sha === claim.sha256 ? await readStoredFileMeta(env.workDir, file.folder, sha) : null;
    if (meta) return finishAccepted(file, meta, env, true);
    await removeClaim(env.workDir, file.folder, file.name);
  }
  if (env.bookClosed) return finishSingleRow(file, fileRejectedRow(rejection('BOOK_CLOSED', 0)), env, {});

  const sha256 = await sha256OfFile(file.path);
  if (await env.book.isFileAccepted(file.folder, sha256)) return finishSingleRow(file, duplicateFileRow(), env, { sha256 });
  await writeClaim(env.workDir, { folder: file.folder, file_name: file.name, sha256 });

  const refsBefore = await env.book.usedRefs(file.folder);
  let fileSeqAccepted = false;
  let detailCtx: DetailContext | null = null;
  let writer: StoredFileWriter | null = null;
  let identity: { participant_id: string; channel: Channel; file_seq: number } | null = null;
  let accepted = 0;
  let rejectedCount = 0;
  let verdict: ReturnType<typeof judgeFile> | null = null;
  let records = 0;

  try {
    for await (const ev of parseInstructionFile(readFileChunks(file.path))) {
      if (ev.kind === 'header') {
        const who = participantRule(ev.header, file.folder, env.participants);
        fileSeqAccepted = await env.book.isFileSeqAccepted(file.folder, ev.header.file_seq);
        const fileCtx: FileContext = { folder: file.folder, offering: env.offering, participants: env.participants, fileSeqAccepted: () => fileSeqAccepted, closeLists: env.closeLists };
        if (who.ok && !stockCodeRule(ev.header, env.offering) && !fileSeqRule(ev.header, fileCtx)) {
          const channel = who.participant.participant_type;
          detailCtx = createDetailContext(env.offering, channel, (ref) => refsBefore.has(ref));
          identity = { participant_id: who.participant.participant_id, channel, file_seq: ev.header.file_seq };
          writer = await openStoredFileWriter(env.workDir, identity.participant_id, sha256);
        }
      } else if (ev.kind === 'end') {
        records = Number(ev.shape.totals.record_count);
        verdict = judgeFile(ev.shape, { folder: file.folder, offering: env.offering, participants: env.participants, fileSeqAccepted: () => fileSeqAccepted, closeLists: env.closeLists });
      } else if (detailCtx && writer && identity) {
        const v = validateDetail(ev, detailCtx);
        if (v.rejection) rejectedCount += 1;
        else accepted += 1;
        await writer.write(toStoredInstruction(v, { ...identity, file_sha256: sha256, file_name: file.name }));
      }
    }
  } catch (e) {
    await writer?.abort();
    throw e;
  }

  if (!verdict || verdict.kind === 'incomplete') {
    await writer?.abort();
    await removeClaim(env.workDir, file.folder, file.name);
    return { ...baseReport(file), sha256, records };
  }
  if (verdict.kind === 'rejected' || !writer || !identity || !detailCtx) {
    await writer?.abort();
    const r = verdict.kind === 'rejected' ? verdict.rejection : rejection('HEADER_MALFORMED', 0);
    return finishSingleRow(file, fileRejectedRow(r), env, { sha256, records });
  }
  const meta: StoredFileMeta = { ...identity, file_name: file.name, file_sha256: sha256, records, accepted, rejected: rejectedCount };
  await writer.commit(meta);
  await env.book.recordAcceptedFile(meta, detailCtx.refsInFile);
  await env.afterCommit?.(file);
  return finishAccepted(file, meta, env, false);
}
