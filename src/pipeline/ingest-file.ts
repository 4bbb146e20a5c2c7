/**
 * One inbox file through ingest, crash-safe and idempotent:
 *
 *   recover?  a claim for this file + its bytes committed in the store: rewrite the ack from the
 *             store, finish the move (an interrupted run finishes instead of answering DUPLICATE_FILE);
 *             a claim left empty by a power cut (claims are not fsynced): the commit must name the file
 *   poison?   a claim without a commit left by POISON_ATTEMPTS runs: FILE_UNPROCESSABLE (quarantine)
 *   admitted? the book's lifecycle (pipeline/book.ts): open, or closed and this file one of the
 *             close's arrivals (then judged with the lists closed); otherwise BOOK_CLOSED, without
 *             reading the file
 *   too big?  larger than ingest_limits.max_file_bytes: FILE_TOO_LARGE, without reading it
 *   hash      SHA-256 of the bytes; already accepted from this folder: DUPLICATE_FILE (single row)
 *   claim     `<work>/claims/<folder>/<file>.json` (counting the runs that started on it)
 *   judge     streaming: parse (ingest) -> rules (validate) -> the store's lines and the ack's rows
 *             to temporary files, fsynced (judge-file.ts; here, or in a worker thread in the
 *             parallel run) (a fault the file's content causes here, other than a storage fault,
 *             is the file's: FILE_UNPROCESSABLE, never a crash of the run)
 *   fence     the lifecycle is asked again just before the commit: a book closed meanwhile, with
 *             this file not among its arrivals, makes it BOOK_CLOSED (nothing committed)
 *   commit    the durable lines renamed into place, the store's meta last; then the ack and the
 *             move. The ack is written to a temporary file alongside the store (the same rows as
 *             rendered from the store) and renamed into place after the commit; after a crash it
 *             is rendered from the store
 *   unclaim
 *
 * Every step before the commit can be repeated; after it, the store is the truth and the ack is
 * always rendered from it, so a rerun gives byte-identical acks.
 *
 * The file is read and moved only through its descriptor (io/inbox-entry.ts). A storage fault
 * before the commit removes the claim (the disk, not the file, is at fault) and is thrown.
 *
 * The steps are exported in three parts (prepareFile, the judgement, completeFile) so that the
 * run over many files (parallel-ingest.ts) can judge one file in a worker thread while another is
 * committed; ingestFile runs them one after the other, and is what a BullMQ worker calls per job.
 */
import * as path from 'node:path';
import type { Logger } from 'pino';
import type { ParticipantRegistry } from '../domain/types';
import { rejection } from '../domain/reasons';
import { isStorageFault } from '../domain/errors';
import { cutText, maskIdentityShapes } from '../domain/mask';
import type { Offering } from '../offering/schema';
import type { IngestLimits } from '../offering/ingest-limits';
import { ackHeaderLine, ackLine, ackLines, ackRowOf, AckRow, duplicateFileRow, fileRejectedRow } from '../validate/ack-rows';
import type { InboxFile } from '../io/inbox';
import type { InboxEntry } from '../io/inbox-entry';
import { Claim, isTornClaim, POISON_ATTEMPTS, readClaim, removeClaim, writeClaim } from '../io/claims';
import { commitPreparedAck, discardPreparedAck, PreparedAck, writeAckFile } from '../io/ack-file';
import { readStoredFileMeta, streamStoredFileBatches, StoredFileMeta } from '../io/store';
import { commitStoredFile, discardStoredFile } from '../io/store-writer';
import type { BookState } from './book-state';
import type { BookGate } from './book';
import type { FileReport } from './ingest-report';
import { Judged, judgeClaimedFile, JudgeConfig, JudgeJob } from './judge-file';
import type { IngestedBook } from './ingested-book';

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
  /**
   * Given, the claim of a file that is finished (acknowledged and moved) is removed without
   * waiting: the removal is handed over here, for the run to wait for later. A claim whose inbox
   * file is gone is a leftover the next run removes on start (removeStaleClaims), so a crash
   * before the removal changes nothing. The parallel run passes it; one file at a time waits.
   */
  unclaimLater?: (removal: Promise<void>) => void;
  /**
   * Given, each accepted file is judged with its part of the compact book (JudgeConfig
   * `compactParts`), kept here once the file is committed: the book of `run`'s allocation.
   */
  ingested?: IngestedBook;
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

function baseReport(file: InboxFile): FileReport {
  return { folder: file.folder, file_name: file.name, outcome: 'INCOMPLETE', reason_code: null, records: 0, accepted: 0, rejected: 0, sha256: null, ack_path: null, moved_to: null, recovered: false };
}

/** The last step of a finished file (acknowledged, moved): its claim removed, now or later. */
async function unclaimFinished(env: FileEnv, file: InboxFile): Promise<void> {
  const removal = removeClaim(env.workDir, file.folder, file.name);
  if (!env.unclaimLater) return removal;
  removal.catch(() => undefined);
  env.unclaimLater(removal);
}

async function* ackLinesFromStore(work: string, meta: StoredFileMeta): AsyncGenerator<string> {
  yield ackHeaderLine();
  for await (const batch of streamStoredFileBatches(work, meta.participant_id, meta.file_sha256, meta)) yield ackLines(batch.map(ackRowOf));
}

/** After the store commit: the ack (prepared alongside, or rendered from the store), the move. */
async function finishAccepted(entry: InboxEntry, meta: StoredFileMeta, env: FileEnv, recovered: boolean, prepared?: PreparedAck): Promise<FileReport> {
  const { file } = entry;
  const ack = prepared ? await commitPreparedAck(prepared) : await writeAckFile(env.workDir, file.folder, file.name, ackLinesFromStore(env.workDir, meta));
  await env.onStep?.('acknowledged', file);
  const moved = await entry.moveInto(path.join(env.workDir, 'processed', file.folder));
  await env.onStep?.('moved', file);
  await unclaimFinished(env, file);
  return { ...baseReport(file), outcome: 'ACCEPTED', records: meta.records, accepted: meta.accepted, rejected: meta.rejected, sha256: meta.file_sha256, ack_path: ack, moved_to: moved, recovered };
}

/** A file answered with a single row (rejected whole, or a duplicate): ack, then move. */
async function finishSingleRow(entry: InboxEntry, row: AckRow, env: FileEnv, report: Partial<FileReport>): Promise<FileReport> {
  const { file } = entry;
  const ack = await writeAckFile(env.workDir, file.folder, file.name, [ackHeaderLine(), ackLine(row)]);
  const destination = row.status === 'DUPLICATE_FILE' ? 'processed' : 'quarantine';
  const moved = await entry.moveInto(path.join(env.workDir, destination, file.folder));
  await unclaimFinished(env, file);
  return { ...baseReport(file), ...report, outcome: row.status === 'DUPLICATE_FILE' ? 'DUPLICATE_FILE' : 'FILE_REJECTED', reason_code: row.reason_code, ack_path: ack, moved_to: moved };
}

/**
 * What the steps before the parse decided: the file is finished, or to be claimed and judged. The
 * claim (`claim`) is written by the caller before the parse: ingestFile on the main thread, the
 * parallel run by the judging thread just before it parses the file (judge-worker.ts).
 */
export type Prepared = { kind: 'finished'; report: FileReport } | { kind: 'claimed'; job: JudgeJob; attemptsBefore: number; claim: Claim };

/**
 * Recovery, poison guard, admission, size, hash, duplicate, the claim to write. `sameBytesInFlight` lets the
 * parallel run finish an earlier file of the same folder with the same bytes first (its commit
 * decides whether these bytes are a duplicate); ingestFile has none in flight.
 */
export async function prepareFile(entry: InboxEntry, env: FileEnv, sameBytesInFlight: (sha256: string) => Promise<void> = async () => undefined): Promise<Prepared> {
  const { file } = entry;
  const { limits } = env;
  const finished = (report: FileReport): Prepared => ({ kind: 'finished', report });
  // Recovery: the run that claimed this file committed it to the store and stopped.
  const claim = await readClaim(env.workDir, file.folder, file.name);
  let attemptsBefore = 0;
  if (claim) {
    const sha = await entry.sha256(limits.max_file_bytes);
    if (sha !== null) await sameBytesInFlight(sha);
    // A torn claim (its bytes lost to a power cut, io/claims.ts) says this file was claimed, not
    // which bytes: the commit found for these bytes must then name this very file.
    const torn = isTornClaim(claim);
    const meta = sha !== null && (torn || sha === claim.sha256) ? await readStoredFileMeta(env.workDir, file.folder, sha) : null;
    if (meta && (!torn || meta.file_name === file.name)) return finished(await finishAccepted(entry, meta, env, true));
    // Runs that started on these very bytes and never finished (killed, aborted, out of memory);
    // a torn claim counts none (only a power cut loses a claim's bytes: not the file's doing).
    if (!torn && sha === claim.sha256) attemptsBefore = claim.attempts ?? 1;
    if (attemptsBefore >= (env.poisonAttempts ?? POISON_ATTEMPTS)) {
      const r = rejection('FILE_UNPROCESSABLE', 0, { extra: `the processor stopped ${attemptsBefore} times while reading it` });
      env.logger?.error({ participant: file.folder, file: file.name, sha256: sha, attempts: attemptsBefore }, 'poison file quarantined');
      return finished(await finishSingleRow(entry, fileRejectedRow(r), env, { sha256: sha }));
    }
    // The claim stays until this run's replaces it (written just before the parse) or the file is
    // finished without a parse (its claim removed then): a run stopped meanwhile leaves it as the
    // runs before had left it.
  }
  const admission = await env.gate.admit(file);
  if (!admission.admit) return finished(await finishSingleRow(entry, bookClosedRow(admission.detail), env, {}));
  const closeLists = env.closeLists || admission.listsClosed;
  await env.onStep?.('admitted', file);

  const tooLarge = () => rejection('FILE_TOO_LARGE', 0, { extra: `more than ${limits.max_file_bytes.toLocaleString('en-US')} bytes: ingest_limits.max_file_bytes` });
  if (entry.size > limits.max_file_bytes) return finished(await finishSingleRow(entry, fileRejectedRow(tooLarge()), env, {}));
  const sha256 = await entry.sha256(limits.max_file_bytes);
  if (sha256 === null) return finished(await finishSingleRow(entry, fileRejectedRow(tooLarge()), env, {}));
  await sameBytesInFlight(sha256);
  if (await env.book.isFileAccepted(file.folder, sha256)) return finished(await finishSingleRow(entry, duplicateFileRow(), env, { sha256 }));
  const mine: Claim = { folder: file.folder, file_name: file.name, sha256, attempts: attemptsBefore + 1 };
  return { kind: 'claimed', job: { folder: file.folder, fileName: file.name, sha256, closeLists }, attemptsBefore, claim: mine };
}

/**
 * Runs `fn` on a claimed file: a storage fault is not the file's, so its claim must not count
 * towards the poison guard. (After the commit the claim is left alone: the next run finishes the
 * file from the store.)
 */
export async function withClaim<T>(entry: InboxEntry, env: FileEnv, sha256: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isStorageFault(e) && !(await readStoredFileMeta(env.workDir, entry.file.folder, sha256).catch(() => null))) {
      await removeClaim(env.workDir, entry.file.folder, entry.file.name).catch(() => undefined);
    }
    throw e;
  }
}

/** What a judge is given of the run's environment (plain data: it crosses to a worker thread). */
export function judgeConfigOf(env: FileEnv): JudgeConfig {
  return { offering: env.offering, participants: env.participants, workDir: env.workDir, limits: env.limits, compactParts: env.ingested !== undefined };
}

/** Judges a claimed file here, on the participant's book as it is now. */
export async function judgeHere(entry: InboxEntry, env: FileEnv, job: JudgeJob): Promise<Judged> {
  const refsBefore = await env.book.usedRefs(job.folder);
  return judgeClaimedFile(entry.parseSource(job.sha256), job, judgeConfigOf(env), {
    refUsedBefore: (ref) => refsBefore.has(ref),
    fileSeqAccepted: (seq) => env.book.isFileSeqAccepted(job.folder, seq),
  });
}

export async function ingestFile(entry: InboxEntry, env: FileEnv): Promise<FileReport> {
  const prepared = await prepareFile(entry, env);
  if (prepared.kind === 'finished') return prepared.report;
  const { job } = prepared;
  await writeClaim(env.workDir, prepared.claim);
  return withClaim(entry, env, job.sha256, async () => {
    await env.onStep?.('claimed', entry.file);
    await env.beforeParse?.(entry.file);
    return completeFile(entry, env, job, await judgeHere(entry, env, job));
  });
}

/**
 * Undoes a claim this run wrote for a file it then left alone (the parallel run stopping before
 * the file's turn): the claim goes back to what the runs before had left, so that only a run
 * that really stopped on the file counts towards the poison guard.
 */
export async function releaseClaim(env: FileEnv, file: InboxFile, sha256: string, attemptsBefore: number): Promise<void> {
  if (attemptsBefore > 0) await writeClaim(env.workDir, { folder: file.folder, file_name: file.name, sha256, attempts: attemptsBefore });
  else await removeClaim(env.workDir, file.folder, file.name);
}

/** Discards what a judgement prepared (it will not be committed). */
export async function discardJudged(judged: Judged): Promise<void> {
  if (judged.kind !== 'accepted') return;
  await Promise.all([discardStoredFile(judged.store), discardPreparedAck(judged.ack)]);
}

/** After the judgement, in the book's order: the answer, the fence, the commit, the ack, the move. */
export async function completeFile(entry: InboxEntry, env: FileEnv, job: JudgeJob, judged: Judged): Promise<FileReport> {
  const { file } = entry;
  const { sha256 } = job;
  const { records } = judged;
  if (judged.kind === 'fault') {
    env.logger?.error({ participant: file.folder, file: file.name, sha256, error: judged.name, message: cutText(maskIdentityShapes(judged.message), 200) }, 'internal fault while reading a file; quarantined');
    const r = rejection('FILE_UNPROCESSABLE', 0, { extra: `an internal fault (${judged.name}) while reading it` });
    return finishSingleRow(entry, fileRejectedRow(r), env, { sha256, records });
  }
  if (judged.kind === 'incomplete') {
    await removeClaim(env.workDir, file.folder, file.name);
    return { ...baseReport(file), sha256, records };
  }
  if (judged.kind === 'rejected') return finishSingleRow(entry, fileRejectedRow(judged.rejection), env, { sha256, records });
  await env.onStep?.('parsed', file);
  // The fence: the book may have closed while this file was read.
  const fence = await env.gate.admit(file);
  if (!fence.admit) {
    await discardJudged(judged);
    return finishSingleRow(entry, bookClosedRow(fence.detail), env, { sha256, records });
  }
  let meta: StoredFileMeta;
  try {
    meta = await commitStoredFile(env.workDir, judged.store, judged.meta);
    await env.book.recordAcceptedFile(meta, judged.refs);
    if (judged.part) env.ingested?.add(meta, judged.part);
    await env.onStep?.('committed', file);
    await env.afterCommit?.(file);
  } catch (e) {
    await discardPreparedAck(judged.ack);
    throw e;
  }
  return finishAccepted(entry, meta, env, false, judged.ack);
}
