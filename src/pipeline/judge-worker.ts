/**
 * The body of a judging thread (judge-pool.ts starts it): judges claimed files through their
 * descriptors (the main thread keeps them open), writing each one's store lines and
 * acknowledgement to fsynced temporary files, and posts the judgement back.
 *
 * It knows nothing of the book: asked whether a ref or a file_seq was used before, it answers
 * "no", and the judgement records what was asked; the main thread checks those answers when the
 * file's turn to commit comes (parallel-ingest.ts).
 *
 * The thread writes the file's claim (io/claims.ts) just before it parses the file.
 *
 * The bytes are those the main thread read and hashed, handed over with the request, when it
 * read the whole file at once (a usual file); else they are read through the descriptor.
 *
 * One file's parse runs at a time (so a thread that dies was judging exactly the file it last
 * said it started); only the final fsyncs of a file overlap the next file's parse.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isStorageFault, StorageError } from '../domain/errors';
import { bytesSource, descriptorChunks } from '../io/inbox-entry';
import { writeClaimSync } from '../io/claims';
import { judgeClaimedFile, JudgeConfig, JudgeState } from './judge-file';
import { sentJudged } from './judge-pool';
import type { JudgeReply, JudgeRequest } from './judge-pool';
import { transferablesOf } from './ingested-book';

const { config, parsing } = workerData as { config: JudgeConfig; parsing: Int32Array };
const port = parentPort!;

/** Every question about the book answered "no" (and recorded in the judgement). */
const KNOWS_NOTHING: JudgeState = { refUsedBefore: () => false, fileSeqAccepted: () => false };

let queue: Promise<void> = Promise.resolve();

function failure(id: number, e: unknown): JudgeReply {
  const err = e as (Error & { errno?: unknown }) | null;
  return {
    id,
    kind: 'failed',
    storage: isStorageFault(e),
    name: err?.name ?? 'Error',
    message: String(err?.message ?? e),
    errno: e instanceof StorageError ? e.errno : null,
  };
}

port.on('message', (request: JudgeRequest) => {
  const { id, fd, job, where, bytes, claim } = request;
  let parsed: () => void = () => undefined;
  const parsedOnce = new Promise<void>((resolve) => { parsed = resolve; });
  // The parse of this file waits for the previous file's parse (not for its fsyncs).
  const previous = queue;
  queue = parsedOnce;
  void previous.then(async () => {
    let reply: JudgeReply;
    try {
      // Claimed before the first byte is parsed (the poison guard counts this run from here), and
      // before the file is named as the one being parsed: a thread that stops with this file
      // named (the culprit) has always written its claim.
      if (claim !== null) writeClaimSync(config.workDir, claim);
      // Said through the shared memory the pool reads when this thread stops (judge-pool.ts).
      Atomics.store(parsing, 0, id);
      const source = bytes !== null ? bytesSource(bytes, job.sha256) : descriptorChunks(fd, where);
      const judged = await judgeClaimedFile(source, job, config, KNOWS_NOTHING, parsed);
      reply = { id, kind: 'judged', judged: sentJudged(judged) };
    } catch (e) {
      reply = failure(id, e);
    }
    parsed();
    // This file's parse is over unless the next one has started meanwhile.
    Atomics.compareExchange(parsing, 0, id, 0);
    // A part of the book (`run`) hands its buffers over rather than copying them.
    port.postMessage(reply, reply.kind === 'judged' && reply.judged.kind === 'accepted' && reply.judged.part ? transferablesOf(reply.judged.part) : []);
  });
});
