/**
 * The run over many files with both cores: worker threads judge (parse, rules, the store's lines
 * and the ack's rows to fsynced temporary files) while the main thread prepares the files ahead
 * and commits them one by one in the run's order (participant folder, then file name). Every
 * file goes through the very steps of ingestFile (ingest-file.ts: prepareFile, the judgement,
 * completeFile); only where the judgement runs, and when, differs.
 *
 * Why the acknowledgements and the store are the same, byte for byte, as one file after another:
 *
 * 1. A file's verdict depends on its bytes, the configuration (offering, registry, limits, lists
 *    closed), the book's lifecycle, and the participant's book: the files accepted before it
 *    (DUPLICATE_FILE by SHA-256), their file_seqs (FILE_SEQ_REPLAYED) and their refs (REF_REUSED).
 *    Nothing else: no other participant, no clock.
 * 2. The participant's book is read at three moments only:
 *    - the duplicate check (and, after a stopped run, the store lookup of recovery), in
 *      prepareFile, before the claim. It runs ahead of the commits, on the book as committed so
 *      far; the only files that could still change its answer are earlier files of the same folder
 *      with the same bytes, not yet committed: when there is one, the preparation waits for its
 *      commit first (sameBytesBefore). So the answer is the one the sequential run would get.
 *    - the judgement's two questions (judge-file.ts): "was ref R used before?", "was file_seq S
 *      accepted before?". A worker thread answers "no" to both and the judgement lists what was
 *      asked. When the file's turn comes, every earlier file of the run has been committed (or
 *      not) exactly as in the sequential run, so the main thread asks the real book the same
 *      questions (answersHold): if every answer is still "no", the judgement is exactly what the
 *      sequential run would have computed (the judge is deterministic in its inputs); if any is
 *      "yes" (a ref reused from an earlier file, a replayed file_seq), the temporary files are
 *      discarded and the file is judged again on the main thread, on the real book.
 *    - the commit updates the book (recordAcceptedFile), on the main thread, in the run's order.
 * 3. The lifecycle is asked on the main thread before the file is read (admission) and again in
 *    completeFile just before the commit (the fence), as in ingestFile: a close landing mid-run
 *    still never leaves an ACCEPTED ack outside the ballot. (Under the work-folder lock nothing
 *    else changes the lifecycle during a run; hooks that observe each step of each file make
 *    ingestInbox run one file after another.)
 * 4. The store's order of durability is kept per file: the lines, their meta and the ack
 *    fsynced under temporary names (worker) -> lines renamed -> meta renamed (the commit, main) ->
 *    the ack renamed into place -> move -> unclaim.
 *
 * Claims and the poison guard: a file is claimed by the judging thread it is sent to, just before
 * that thread parses it (judge-worker.ts: the claim prepareFile made, written synchronously), so
 * the parse never waits for the claim to travel through the main thread and the thread pool and
 * back (issue 9), and the claim is still written before the file's first byte is parsed and
 * before anything of it is fsynced or committed. If the run stops (a storage fault, a thread that
 * died), the files prepared ahead of the stopping point and left alone get their claims back as
 * the earlier runs had left them (releaseClaim, once their judgement has settled): only the file
 * a dying thread was parsing keeps this run's attempt. A kill of the whole process (kill -9,
 * power) leaves the claims of the files whose parse had started (at most `lookahead`), each
 * counted as an attempt, like the one file of a sequential run.
 */
import type { IgnoredEntry, InboxFile } from '../io/inbox';
import { InboxEntry, openInboxEntry } from '../io/inbox-entry';
import { InvariantError, StorageError } from '../domain/errors';
import { POISON_ATTEMPTS } from '../io/claims';
import type { BookState } from './book-state';
import type { FileReport } from './ingest-report';
import { completeFile, discardJudged, FileEnv, judgeConfigOf, judgeHere, Prepared, prepareFile, releaseClaim, withClaim } from './ingest-file';
import type { Judged, JudgeJob } from './judge-file';
import { JudgePool, JudgeThreadStopped } from './judge-pool';

export interface ParallelRun {
  files: readonly InboxFile[];
  env: FileEnv;
  /** Judging threads. */
  threads: number;
  /** Files prepared ahead of the commits, at most. */
  lookahead: number;
  /** Files being prepared at once, at most (1: one after the other). */
  preparing: number;
  /** An entry ignored, at the position of its file in the run. */
  onIgnored: (index: number, entry: IgnoredEntry) => void;
  /** Each file's report, in the run's order. */
  onReport: (report: FileReport) => void;
  /** Errors of a name the work folder cannot hold: the file is ignored, the run goes on. */
  isNameFault: (e: unknown) => boolean;
}

type Ready = { kind: 'ignored' } | { kind: 'failed'; error: unknown } | { kind: 'prepared'; prepared: Prepared };

interface Slot {
  index: number;
  file: InboxFile;
  entry: InboxEntry | null;
  sha256: string | null;
  /** Settles once `sha256` is known, or once the preparation ended without one. */
  hashed: Promise<void>;
  setHashed: () => void;
  ready: Promise<Ready>;
  judging: Promise<Judged> | null;
  done: Promise<void>;
  finish: () => void;
  finished: boolean;
}

/** Whether the answers a thread gave ("no" to everything) are the real book's answers now. */
async function answersHold(judged: Judged, job: JudgeJob, book: BookState): Promise<boolean> {
  if (judged.file_seq_asked !== null && (await book.isFileSeqAccepted(job.folder, judged.file_seq_asked))) return false;
  if (judged.kind === 'accepted' || judged.kind === 'fault') {
    const used = await book.usedRefs(job.folder);
    if (used.size > 0) for (const ref of judged.refs) if (used.has(ref)) return false;
  }
  return true;
}

/** Claim removals of finished files in flight, at most (each waits for the file system's journal). */
const REMOVALS_IN_FLIGHT = 16;

export async function ingestFilesInParallel(run: ParallelRun): Promise<void> {
  const { files } = run;
  // A finished file's claim is removed while the next files commit (FileEnv.unclaimLater); a
  // removal that fails stops the run at the next commit, as a storage fault.
  const removals = new Set<Promise<void>>();
  let removalFault: { error: unknown } | null = null;
  const env: FileEnv = {
    ...run.env,
    unclaimLater: (removal) => {
      const tracked: Promise<void> = removal.then(() => undefined, (error: unknown) => void (removalFault ??= { error })).finally(() => removals.delete(tracked));
      removals.add(tracked);
    },
  };
  const removalsSettled = async (atMost: number) => {
    while (removals.size > atMost) await Promise.race(removals);
    if (removalFault) throw removalFault.error;
  };
  const pool = new JudgePool(judgeConfigOf(env), run.threads);
  const slots: Slot[] = [];
  let completed = 0;
  /** Slots before this one are finished (the committer's position). */
  let committedUpTo = 0;
  let stopping = false;
  let preparedAll = false;
  // Wake-ups between the preparer (ahead) and the committer (in order).
  let wakeCommitter: () => void = () => undefined;
  let wakePreparer: () => void = () => undefined;
  const committerWaits = () => new Promise<void>((r) => { wakeCommitter = r; });
  const preparerWaits = () => new Promise<void>((r) => { wakePreparer = r; });

  const sameBytesBefore = async (slot: Slot, sha256: string) => {
    slot.sha256 = sha256;
    slot.setHashed();
    // Only the files not yet committed (from the committer's position on) can change the answer.
    // An earlier file of the folder still being prepared is waited for until its hash is known.
    for (let i = committedUpTo; i < slots.length; i++) {
      const s = slots[i]!;
      if (s.index >= slot.index) break;
      if (s.finished || s.file.folder !== slot.file.folder) continue;
      await s.hashed;
      if (!s.finished && s.sha256 === sha256) await s.done;
    }
  };

  const prepareOne = async (slot: Slot): Promise<Ready> => {
    try {
      return await prepareEntry(slot);
    } finally {
      slot.setHashed();
    }
  };
  const prepareEntry = async (slot: Slot): Promise<Ready> => {
    const opened = await openInboxEntry(slot.file);
    if (!opened.ok) {
      run.onIgnored(slot.index, opened.ignored);
      return { kind: 'ignored' };
    }
    slot.entry = opened.entry;
    const prepared = await prepareFile(opened.entry, env, (sha) => sameBytesBefore(slot, sha));
    if (prepared.kind === 'claimed') {
      slot.judging = pool.judge(opened.entry.descriptor, slot.file.path, prepared.job, opened.entry.takeWholeBytes(prepared.job.sha256), prepared.claim);
      slot.judging.catch(() => undefined);
    }
    return { kind: 'prepared', prepared };
  };

  // Up to `preparing` files prepared at once: each preparation is a chain of small file-system
  // calls (open, read and hash, the claim written and fsynced), waits more than it computes.
  const preparer = (async () => {
    const inFlight = new Set<Promise<void>>();
    let failed = false;
    for (let i = 0; i < files.length && !stopping && !failed; i++) {
      while (slots.length - completed >= run.lookahead && !stopping) await preparerWaits();
      if (stopping) break;
      let finish: () => void = () => undefined;
      const done = new Promise<void>((r) => { finish = r; });
      let setHashed: () => void = () => undefined;
      const hashed = new Promise<void>((r) => { setHashed = r; });
      const slot: Slot = { index: i, file: files[i]!, entry: null, sha256: null, hashed, setHashed, ready: Promise.resolve({ kind: 'ignored' }), judging: null, done, finish, finished: false };
      slot.ready = prepareOne(slot).catch((error: unknown): Ready => ({ kind: 'failed', error }));
      slots.push(slot);
      wakeCommitter();
      const settled: Promise<void> = slot.ready.then((r) => {
        inFlight.delete(settled);
        // A fault other than an unstorable name stops the run at this file: no file after it is
        // started (those already in preparation get their claims back when the committer stops).
        if (r.kind === 'failed' && !run.isNameFault(r.error)) failed = true;
      });
      inFlight.add(settled);
      while (inFlight.size >= run.preparing && !failed) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    preparedAll = true;
    wakeCommitter();
  })();

  const commit = async (slot: Slot, ready: Ready): Promise<void> => {
    if (ready.kind === 'ignored') return;
    if (ready.kind === 'failed') throw ready.error;
    const { prepared } = ready;
    if (prepared.kind === 'finished') {
      run.onReport(prepared.report);
      return;
    }
    const entry = slot.entry!;
    const { job } = prepared;
    const report = await withClaim(entry, env, job.sha256, async () => {
      let judged = await slot.judging!;
      if (!(await answersHold(judged, job, env.book))) {
        await discardJudged(judged);
        judged = await judgeHere(entry, env, job);
      }
      return completeFile(entry, env, job, judged);
    });
    run.onReport(report);
  };

  let k = 0;
  try {
    for (;;) {
      while (k >= slots.length && !preparedAll) await committerWaits();
      if (k >= slots.length) break;
      const slot = slots[k]!;
      const ready = await slot.ready;
      // Outside the file's own faults: a removal that failed is an earlier file's, and stops the run.
      await removalsSettled(REMOVALS_IN_FLIGHT);
      try {
        await commit(slot, ready);
      } catch (e) {
        if (!run.isNameFault(e)) throw e;
        run.onIgnored(slot.index, { entry: `${slot.file.folder}/${slot.file.name}`, reason: `name cannot be stored in the work folder (${(e as StorageError).errno})` });
      } finally {
        await slot.entry?.close();
        slot.finished = true;
        slot.finish();
        completed += 1;
        k += 1;
        committedUpTo = k;
        // A finished slot keeps nothing the run still needs.
        slots[k - 1] = { ...slot, entry: null, judging: null };
        wakePreparer();
      }
    }
    await removalsSettled(0);
  } catch (e) {
    // k has moved past the file the run stopped at (its entry is closed).
    const failed = slots[k - 1];
    stopping = true;
    wakePreparer();
    await preparer;
    // A thread that died parsing another file: this one was not read to the end, its claim goes back too.
    if (failed && e instanceof JudgeThreadStopped && !e.culprit) await release(env, failed);
    for (const slot of slots.slice(k)) {
      await release(env, slot);
      await slot.entry?.close();
    }
    throw asRunFault(failed, e);
  } finally {
    await Promise.all(removals);
    await pool.close();
  }
}

/** A file prepared but left alone when the run stopped: as the runs before had left it. */
async function release(env: FileEnv, slot: Slot): Promise<void> {
  const ready = await slot.ready;
  if (ready.kind !== 'prepared' || ready.prepared.kind !== 'claimed') return;
  const judged = await slot.judging?.catch(() => null);
  if (judged) await discardJudged(judged);
  await releaseClaim(env, slot.file, ready.prepared.job.sha256, ready.prepared.attemptsBefore).catch(() => undefined);
}

/** A thread that died while parsing a file stops the run like a crash would, naming the file. */
function asRunFault(slot: Slot | undefined, e: unknown): unknown {
  if (!(e instanceof JudgeThreadStopped) || !slot) return e;
  const name = `${slot.file.folder}/${slot.file.name}`;
  return e.culprit
    ? new InvariantError(`the processor stopped while reading ${name} (${e.message}); the file stays claimed, and a file that stops the processor ${POISON_ATTEMPTS} times is quarantined as FILE_UNPROCESSABLE`)
    : new InvariantError(`the processor stopped while ${name} was waiting to be read (${e.message}); nothing of it was kept`);
}
