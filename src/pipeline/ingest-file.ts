/**
 * One inbox file through ingest, crash-safe and idempotent:
 *
 *   recover?  a claim for this file + its bytes committed in the store: rewrite the ack from the
 *             store, finish the move (an interrupted run finishes instead of answering DUPLICATE_FILE)
 *   poison?   a claim without a commit left by POISON_ATTEMPTS runs: FILE_UNPROCESSABLE (quarantine)
 *   admitted? the book's lifecycle (pipeline/book.ts): open, or closed and this file one of the
 *             close's arrivals (then judged with the lists closed); otherwise BOOK_CLOSED, without
 *             reading the file
 *   too big?  larger than ingest_limits.max_file_bytes: FILE_TOO_LARGE, without reading it
 *   hash      SHA-256 of the bytes; already accepted from this folder: DUPLICATE_FILE (single row)
 *   claim     `<work>/claims/<folder>/<file>.json` (counting the runs that started on it)
 *   validate  streaming: parse (ingest) -> rules (validate) -> store writer (temporary JSONL)
 *             (a fault the file's content causes here, other than a storage fault, is the file's:
 *             FILE_UNPROCESSABLE, never a crash of the run)
 *   fence     the lifecycle is asked again just before the commit: a book closed meanwhile, with
 *             this file not among its arrivals, makes it BOOK_CLOSED (nothing committed)
 *   commit    the store's meta last; then the ack and the move. The ack is written to a temporary
 *             file alongside the store (the same rows as rendered from the store) and renamed
 *             into place after the commit; after a crash it is rendered from the store
 *   unclaim
 *
 * Every step before the commit can be repeated; after it, the store is the truth and the ack is
 * always rendered from it, so a rerun gives byte-identical acks.
 *
 * The file is read and moved only through its descriptor (io/inbox-entry.ts). A storage fault
 * before the commit removes the claim (the disk, not the file, is at fault) and is thrown.
 */
import * as path from 'node:path';
import type { Logger } from 'pino';
import type { Channel, ParticipantRegistry } from '../domain/types';
import { rejection } from '../domain/reasons';
import { isStorageFault } from '../domain/errors';
import { cutText, maskIdentityShapes } from '../domain/mask';
import type { Offering } from '../offering/schema';
import type { IngestLimits } from '../offering/ingest-limits';
import { parseInstructionFile } from '../ingest/parse-file';
import { createDetailContext, DetailContext, validateDetail } from '../validate/detail-rules';
import { fileSeqRule, judgeFile, participantRule, stockCodeRule, FileContext } from '../validate/file-rules';
import { StoredFileIdentity, toStoredInstruction } from '../validate/stored-instruction';
import { ackHeaderLine, ackLine, ackLines, ackRowOf, AckRow, duplicateFileRow, fileRejectedRow } from '../validate/ack-rows';
import type { InboxFile } from '../io/inbox';
import type { InboxEntry } from '../io/inbox-entry';
import { POISON_ATTEMPTS, readClaim, removeClaim, writeClaim } from '../io/claims';
import { AckFileWriter, openAckFileWriter, writeAckFile } from '../io/ack-file';
import { openStoredFileWriter, readStoredFileMeta, streamStoredFileBatches, StoredFileMeta, StoredFileWriter } from '../io/store';
import type { BookState } from './book-state';
import type { BookGate } from './book';
import type { FileReport } from './ingest-report';

export interface FileEnv {
  offering: Offering;
  participants: ParticipantRegistry;
  workDir: string;
  closeLists: boolean;
  /** The book's lifecycle, asked before the file is read and again before its commit. */
  gate: BookGate;
  book: BookState;
  /** The offering's ingest limits, resolved (offering/ingest-limits.ts). */
  limits: IngestLimits;
  /**
   * Runs that may stop on one file before the next quarantines it (the poison guard).
   * @defaultValue POISON_ATTEMPTS (io/claims.ts); the BullMQ workers allow more (pipeline/drop.ts)
   */
  poisonAttempts?: number;
  logger?: Logger;
  /** Test hook: called after the hash and the claim, before the file is read again and parsed. */
  beforeParse?: (file: InboxFile) => Promise<void> | void;
  /** Test hook: called after the store commit, before the ack and the move (simulated crash). */
  afterCommit?: (file: InboxFile) => Promise<void> | void;
  /** Test hook: called at each step of the file (a close, a crash, another process in between). */
  onStep?: (step: IngestStep, file: InboxFile) => Promise<void> | void;
}

/** The steps of one file, in order; a file may stop after any of them. */
export const INGEST_STEPS = ['admitted', 'claimed', 'parsed', 'committed', 'acknowledged', 'moved'] as const;
export type IngestStep = (typeof INGEST_STEPS)[number];

function bookClosedRow(detail: string): AckRow {
  return fileRejectedRow(rejection('BOOK_CLOSED', 0, { extra: detail }));
}

/** Ack rows rendered per csv-stringify call. */
const ACK_BATCH_ROWS = 1024;

function baseReport(file: InboxFile): FileReport {
  return { folder: file.folder, file_name: file.name, outcome: 'INCOMPLETE', reason_code: null, records: 0, accepted: 0, rejected: 0, sha256: null, ack_path: null, moved_to: null, recovered: false };
}

async function* ackLinesFromStore(work: string, meta: StoredFileMeta): AsyncGenerator<string> {
  yield ackHeaderLine();
  for await (const batch of streamStoredFileBatches(work, meta.participant_id, meta.file_sha256)) yield ackLines(batch.map(ackRowOf));
}

/** After the store commit: the ack (prepared alongside, or rendered from the store), the move. */
async function finishAccepted(entry: InboxEntry, meta: StoredFileMeta, env: FileEnv, recovered: boolean, prepared?: AckFileWriter): Promise<FileReport> {
  const { file } = entry;
  const ack = prepared ? await prepared.commit() : await writeAckFile(env.workDir, file.folder, file.name, ackLinesFromStore(env.workDir, meta));
  await env.onStep?.('acknowledged', file);
  const moved = await entry.moveInto(path.join(env.workDir, 'processed', file.folder));
  await env.onStep?.('moved', file);
  await removeClaim(env.workDir, file.folder, file.name);
  return { ...baseReport(file), outcome: 'ACCEPTED', records: meta.records, accepted: meta.accepted, rejected: meta.rejected, sha256: meta.file_sha256, ack_path: ack, moved_to: moved, recovered };
}

/** A file answered with a single row (rejected whole, or a duplicate): ack, then move. */
async function finishSingleRow(entry: InboxEntry, row: AckRow, env: FileEnv, report: Partial<FileReport>): Promise<FileReport> {
  const { file } = entry;
  const ack = await writeAckFile(env.workDir, file.folder, file.name, [ackHeaderLine(), ackLine(row)]);
  const destination = row.status === 'DUPLICATE_FILE' ? 'processed' : 'quarantine';
  const moved = await entry.moveInto(path.join(env.workDir, destination, file.folder));
  await removeClaim(env.workDir, file.folder, file.name);
  return { ...baseReport(file), ...report, outcome: row.status === 'DUPLICATE_FILE' ? 'DUPLICATE_FILE' : 'FILE_REJECTED', reason_code: row.reason_code, ack_path: ack, moved_to: moved };
}

export async function ingestFile(entry: InboxEntry, env: FileEnv): Promise<FileReport> {
  const { file } = entry;
  const { limits } = env;
  // Recovery: the run that claimed this file committed it to the store and stopped.
  const claim = await readClaim(env.workDir, file.folder, file.name);
  let attemptsBefore = 0;
  if (claim) {
    const sha = await entry.sha256(limits.max_file_bytes);
    const meta = sha === claim.sha256 ? await readStoredFileMeta(env.workDir, file.folder, sha) : null;
    if (meta) return finishAccepted(entry, meta, env, true);
    // Runs that started on these very bytes and never finished (killed, aborted, out of memory).
    if (sha === claim.sha256) attemptsBefore = claim.attempts ?? 1;
    if (attemptsBefore >= (env.poisonAttempts ?? POISON_ATTEMPTS)) {
      const r = rejection('FILE_UNPROCESSABLE', 0, { extra: `the processor stopped ${attemptsBefore} times while reading it` });
      env.logger?.error({ participant: file.folder, file: file.name, sha256: sha, attempts: attemptsBefore }, 'poison file quarantined');
      return finishSingleRow(entry, fileRejectedRow(r), env, { sha256: sha });
    }
    await removeClaim(env.workDir, file.folder, file.name);
  }
  const admission = await env.gate.admit(file);
  if (!admission.admit) return finishSingleRow(entry, bookClosedRow(admission.detail), env, {});
  const closeLists = env.closeLists || admission.listsClosed;
  await env.onStep?.('admitted', file);

  const tooLarge = () => rejection('FILE_TOO_LARGE', 0, { extra: `more than ${limits.max_file_bytes.toLocaleString('en-US')} bytes: ingest_limits.max_file_bytes` });
  if (entry.size > limits.max_file_bytes) return finishSingleRow(entry, fileRejectedRow(tooLarge()), env, {});
  const sha256 = await entry.sha256(limits.max_file_bytes);
  if (sha256 === null) return finishSingleRow(entry, fileRejectedRow(tooLarge()), env, {});
  if (await env.book.isFileAccepted(file.folder, sha256)) return finishSingleRow(entry, duplicateFileRow(), env, { sha256 });
  await writeClaim(env.workDir, { folder: file.folder, file_name: file.name, sha256, attempts: attemptsBefore + 1 });
  try {
    return await ingestClaimed(entry, env, sha256, closeLists);
  } catch (e) {
    // A storage fault is not the file's: its claim must not count towards the poison guard.
    // (After the commit the claim is left alone: the next run finishes the file from the store.)
    if (isStorageFault(e) && !(await readStoredFileMeta(env.workDir, file.folder, sha256).catch(() => null))) {
      await removeClaim(env.workDir, file.folder, file.name).catch(() => undefined);
    }
    throw e;
  }
}

/** Parse, validate, store and acknowledge a claimed file. */
async function ingestClaimed(entry: InboxEntry, env: FileEnv, sha256: string, closeLists: boolean): Promise<FileReport> {
  const { file } = entry;
  const refsBefore = await env.book.usedRefs(file.folder);
  let fileSeqAccepted = false;
  let detailCtx: DetailContext | null = null;
  let writer: StoredFileWriter | null = null;
  // The ack of an accepted file is written alongside the store (the same rows, rendered the same
  // way as from the store) and put in place only after the store commit.
  let ack: AckFileWriter | null = null;
  let ackRows: AckRow[] = [];
  const flushAckRows = async () => {
    if (ack && ackRows.length > 0) await ack.write(ackLines(ackRows));
    ackRows = [];
  };
  let identity: { participant_id: string; channel: Channel; file_seq: number } | null = null;
  let storedIdentity: StoredFileIdentity | null = null;
  let accepted = 0;
  let rejectedCount = 0;
  let verdict: ReturnType<typeof judgeFile> | null = null;
  let records = 0;
  let limitBreached = false;
  let fault: unknown = null;

  await env.onStep?.('claimed', file);
  await env.beforeParse?.(file);
  try {
    const read = entry.chunksHashed();
    for await (const ev of parseInstructionFile(read.chunks, env.limits)) {
      if (ev.kind === 'header') {
        const who = participantRule(ev.header, file.folder, env.participants);
        fileSeqAccepted = await env.book.isFileSeqAccepted(file.folder, ev.header.file_seq);
        const fileCtx: FileContext = { folder: file.folder, offering: env.offering, participants: env.participants, fileSeqAccepted: () => fileSeqAccepted, closeLists };
        if (who.ok && !stockCodeRule(ev.header, env.offering) && !fileSeqRule(ev.header, fileCtx)) {
          const channel = who.participant.participant_type;
          detailCtx = createDetailContext(env.offering, channel, (ref) => refsBefore.has(ref));
          identity = { participant_id: who.participant.participant_id, channel, file_seq: ev.header.file_seq };
          writer = await openStoredFileWriter(env.workDir, identity.participant_id, sha256);
          ack = await openAckFileWriter(env.workDir, file.folder, file.name);
          await ack.write(ackHeaderLine());
        }
      } else if (ev.kind === 'end') {
        records = Number(ev.shape.totals.record_count);
        limitBreached = ev.shape.faults.limit !== undefined;
        verdict = judgeFile(ev.shape, { folder: file.folder, offering: env.offering, participants: env.participants, fileSeqAccepted: () => fileSeqAccepted, closeLists });
      } else if (detailCtx && writer && identity) {
        const v = validateDetail(ev, detailCtx);
        if (v.rejection) rejectedCount += 1;
        else accepted += 1;
        storedIdentity ??= { ...identity, file_sha256: sha256, file_name: file.name };
        const si = toStoredInstruction(v, storedIdentity);
        await writer.write(si);
        ackRows.push(ackRowOf(si));
        if (ackRows.length >= ACK_BATCH_ROWS) await flushAckRows();
      }
    }
    await flushAckRows();
    // The bytes parsed are not the bytes hashed: the file is still being written. Leave it in the
    // inbox for the next run (its hash, duplicate and replay checks must see its final bytes).
    // A limit stops the parse part way, and a breach only grows with the file: it stands.
    if (!limitBreached && read.digest() !== sha256) verdict = { kind: 'incomplete' };
  } catch (e) {
    await writer?.abort().catch(() => undefined);
    await ack?.abort().catch(() => undefined);
    if (isStorageFault(e)) throw e;
    fault = e;
  }
  if (fault !== null) {
    // Per-file isolation: whatever the content made the parser or the rules do, it ends here.
    const name = (fault as Error)?.name ?? 'Error';
    env.logger?.error({ participant: file.folder, file: file.name, sha256, error: name, message: cutText(maskIdentityShapes(String((fault as Error)?.message ?? fault)), 200) }, 'internal fault while reading a file; quarantined');
    const r = rejection('FILE_UNPROCESSABLE', 0, { extra: `an internal fault (${name}) while reading it` });
    return finishSingleRow(entry, fileRejectedRow(r), env, { sha256, records });
  }

  if (!verdict || verdict.kind === 'incomplete') {
    await writer?.abort();
    await ack?.abort();
    await removeClaim(env.workDir, file.folder, file.name);
    return { ...baseReport(file), sha256, records };
  }
  if (verdict.kind === 'rejected' || !writer || !identity || !detailCtx || !ack) {
    await writer?.abort();
    await ack?.abort();
    const r = verdict.kind === 'rejected' ? verdict.rejection : rejection('HEADER_MALFORMED', 0);
    return finishSingleRow(entry, fileRejectedRow(r), env, { sha256, records });
  }
  let meta: StoredFileMeta = { ...identity, file_name: file.name, file_sha256: sha256, records, accepted, rejected: rejectedCount };
  await env.onStep?.('parsed', file);
  // The fence: the book may have closed while this file was read.
  const fence = await env.gate.admit(file);
  if (!fence.admit) {
    await writer.abort();
    await ack.abort();
    return finishSingleRow(entry, bookClosedRow(fence.detail), env, { sha256, records });
  }
  try {
    meta = await writer.commit(meta);
    await env.book.recordAcceptedFile(meta, detailCtx.refsInFile);
    await env.onStep?.('committed', file);
    await env.afterCommit?.(file);
  } catch (e) {
    await ack.abort();
    throw e;
  }
  return finishAccepted(entry, meta, env, false, ack);
}
