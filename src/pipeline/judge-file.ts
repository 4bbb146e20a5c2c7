/**
 * The judging of one claimed file's bytes: parse (ingest) -> rules (validate) -> the store's lines
 * and the acknowledgement's rows, each written to a temporary file and fsynced. Nothing is
 * committed here: the caller (ingest-file.ts) fences and commits in the book's order.
 *
 * It runs on the main thread (ingestFile, one file at a time) or in a worker thread (the parallel
 * ingest, judge-worker.ts) over the same descriptor, with the same code. Its only inputs besides
 * the bytes and the configuration are the answers to two questions about the participant's book,
 * asked through `JudgeState`:
 *
 *   - was this instruction_ref used in a file accepted before?  (REF_REUSED, a record's rule 2)
 *   - was this file_seq accepted before?                          (FILE_SEQ_REPLAYED, the header)
 *
 * The result says which refs and which file_seq were asked (`refs`, `file_seq_asked`), so that a
 * judgement made on answers that turn out wrong (a worker judging ahead of the commits, which
 * answers "no" to both) can be recognised and made again (parallel-ingest.ts).
 *
 * A fault the file's content causes here (any exception but a storage fault) is the file's
 * (`fault`): FILE_UNPROCESSABLE, never a crash of the run. A storage fault is thrown.
 */
import type { Channel, ParticipantRegistry } from '../domain/types';
import type { Rejection } from '../domain/reasons';
import { rejection } from '../domain/reasons';
import { isStorageFault } from '../domain/errors';
import type { Offering } from '../offering/schema';
import type { IngestLimits } from '../offering/ingest-limits';
import { parseInstructionFileBatches } from '../ingest/parse-file';
import { createDetailContext, DetailContext, validateDetail } from '../validate/detail-rules';
import { fileSeqRule, judgeFile, participantRule, stockCodeRule, FileContext } from '../validate/file-rules';
import { StoredFileIdentity, toStoredInstruction } from '../validate/stored-instruction';
import { ackHeaderLine, ackLines, ackRowOf, AckRow } from '../validate/ack-rows';
import { createAckTempFile, PreparedAck } from '../io/ack-file';
import type { TempTextFile } from '../io/temp-file';
import { PreparedStoredFile, StoredFileMetaBase, StoredLinesWriter } from '../io/store-writer';
import { CompactBookBuilder } from '../allocate/compact-book';
import { packPart, PackedPart } from './ingested-book';
import { compactInputOfInstruction } from './compact-read';

/** The participant's book as the judge asks it. */
export interface JudgeState {
  refUsedBefore(ref: string): boolean;
  fileSeqAccepted(fileSeq: number): boolean | Promise<boolean>;
}

/** Everything fixed for a run (plain data: crosses to a worker thread). */
export interface JudgeConfig {
  offering: Offering;
  participants: ParticipantRegistry;
  workDir: string;
  limits: IngestLimits;
  /**
   * Each accepted file's part of the compact book built as its rows are written (`part`), for an
   * allocation in the same process (`run`: pipeline/ingested-book.ts). @defaultValue false
   */
  compactParts?: boolean;
}

/** One claimed file (plain data). */
export interface JudgeJob {
  folder: string;
  fileName: string;
  sha256: string;
  closeLists: boolean;
}

/** The bytes, read through the file's descriptor and hashed as they are read. */
export interface JudgeSource {
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  digest(): string;
}

interface Asked {
  /** The file_seq asked about (the header was read and its participant passed), else null. */
  file_seq_asked: number | null;
  /** D records read (of the trailer-checked count). */
  records: number;
}

/** The judgement (plain data: crosses back from a worker thread). */
export type Judged =
  | (Asked & { kind: 'incomplete' })
  | (Asked & { kind: 'rejected'; rejection: Rejection })
  | (Asked & { kind: 'fault'; name: string; message: string; refs: string[] })
  | (Asked & { kind: 'accepted'; meta: StoredFileMetaBase; refs: string[]; store: PreparedStoredFile; ack: PreparedAck; part?: PackedPart });

/** Ack rows rendered per csv-stringify call. */
const ACK_BATCH_ROWS = 1024;

/** `onParsed` is called once the bytes are read and judged, before the final fsyncs are awaited. */
export async function judgeClaimedFile(source: JudgeSource, job: JudgeJob, config: JudgeConfig, state: JudgeState, onParsed?: () => void): Promise<Judged> {
  const { folder, sha256, closeLists } = job;
  let fileSeqAccepted = false;
  let fileSeqAsked: number | null = null;
  let detailCtx: DetailContext | null = null;
  let writer: StoredLinesWriter | null = null;
  let compact: CompactBookBuilder | null = null;
  let ack: TempTextFile | null = null;
  let ackRows: AckRow[] = [];
  let identity: { participant_id: string; channel: Channel; file_seq: number } | null = null;
  let storedIdentity: StoredFileIdentity | null = null;
  let accepted = 0;
  let rejectedCount = 0;
  let verdict: ReturnType<typeof judgeFile> | null = null;
  let records = 0;
  let limitBreached = false;
  const fileCtx = (): FileContext => ({ folder, offering: config.offering, participants: config.participants, fileSeqAccepted: () => fileSeqAccepted, closeLists });
  const discard = async () => {
    await writer?.abort().catch(() => undefined);
    await ack?.abort().catch(() => undefined);
  };
  const asked = (): Asked => ({ file_seq_asked: fileSeqAsked, records });
  try {
    for await (const batch of parseInstructionFileBatches(source.chunks, config.limits)) for (const ev of batch) {
      if (ev.kind === 'header') {
        const who = participantRule(ev.header, folder, config.participants);
        fileSeqAsked = ev.header.file_seq;
        fileSeqAccepted = await state.fileSeqAccepted(ev.header.file_seq);
        if (who.ok && !stockCodeRule(ev.header, config.offering) && !fileSeqRule(ev.header, fileCtx())) {
          const channel = who.participant.participant_type;
          detailCtx = createDetailContext(config.offering, channel, state.refUsedBefore);
          identity = { participant_id: who.participant.participant_id, channel, file_seq: ev.header.file_seq };
          writer = StoredLinesWriter.open(config.workDir, identity.participant_id, sha256);
          if (config.compactParts) {
            compact = CompactBookBuilder.growing();
            compact.addFile({ participant_id: identity.participant_id, channel, file_seq: identity.file_seq });
          }
          ack = createAckTempFile(config.workDir, folder, job.fileName);
          ack.write(ackHeaderLine());
        }
      } else if (ev.kind === 'end') {
        records = Number(ev.shape.totals.record_count);
        limitBreached = ev.shape.faults.limit !== undefined;
        verdict = judgeFile(ev.shape, fileCtx());
      } else if (detailCtx && writer && identity && ack) {
        const v = validateDetail(ev, detailCtx);
        if (v.rejection) rejectedCount += 1;
        else accepted += 1;
        storedIdentity ??= { ...identity, file_sha256: sha256, file_name: job.fileName };
        const si = toStoredInstruction(v, storedIdentity);
        writer.write(si);
        compact?.add(0, compactInputOfInstruction(si));
        ackRows.push(ackRowOf(si));
        if (ackRows.length >= ACK_BATCH_ROWS) {
          ack.write(ackLines(ackRows));
          ackRows = [];
        }
      }
    }
    if (ack && ackRows.length > 0) ack.write(ackLines(ackRows));
    ackRows = [];
    // The bytes parsed are not the bytes hashed: the file is still being written. Leave it in the
    // inbox for the next run (its hash, duplicate and replay checks must see its final bytes).
    // A limit stops the parse part way, and a breach only grows with the file: it stands.
    if (!limitBreached && source.digest() !== sha256) verdict = { kind: 'incomplete' };
  } catch (e) {
    await discard();
    if (isStorageFault(e)) throw e;
    // Per-file isolation: whatever the content made the parser or the rules do, it ends here.
    const err = e as Error | null;
    return { ...asked(), kind: 'fault', name: err?.name ?? 'Error', message: String(err?.message ?? e), refs: detailCtx ? [...detailCtx.refsInFile] : [] };
  }
  if (!verdict || verdict.kind === 'incomplete') {
    await discard();
    return { ...asked(), kind: 'incomplete' };
  }
  if (verdict.kind === 'rejected' || !writer || !identity || !detailCtx || !ack) {
    await discard();
    return { ...asked(), kind: 'rejected', rejection: verdict.kind === 'rejected' ? verdict.rejection : rejection('HEADER_MALFORMED', 0) };
  }
  const lines: StoredLinesWriter = writer;
  const ackFile: TempTextFile = ack;
  // Both durable before the commit (the lines before their marker, the ack before it is shown).
  const meta: StoredFileMetaBase = { ...identity, file_name: job.fileName, file_sha256: sha256, records, accepted, rejected: rejectedCount };
  let store: PreparedStoredFile;
  try {
    const finishing = Promise.all([lines.finish(meta), ackFile.finish()]);
    onParsed?.();
    [store] = await finishing;
  } catch (e) {
    await discard();
    throw e;
  }
  return { ...asked(), kind: 'accepted', meta, refs: [...detailCtx.refsInFile], store, ack: { tmp: ackFile.tmp, target: ackFile.target }, ...(compact ? { part: packPart(compact.part()) } : {}) };
}
