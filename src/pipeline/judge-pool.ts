/**
 * Threads that judge claimed files (judge-worker.ts) for the parallel ingest. `judge()` sends a
 * file (its descriptor number, which the caller keeps open until the promise settles) to the
 * thread with the fewest files in hand; the promise gives the judgement, rethrows a storage fault
 * met there as a StorageError, and rejects with JudgeThreadStopped when the thread died (out of
 * memory, say) — saying whether this very file was being parsed when it did.
 *
 * Which file a thread is parsing is a number it keeps in memory shared with the main thread
 * (`parsing`, one Int32 a thread: the request's id, 0 for none), read only when the thread
 * stops. A message saying so for every file woke the main thread once more a file (issue 9).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StorageError } from '../domain/errors';
import { joinedLines, ownedBuffer, splitLines } from './hand-over';
import type { Judged, JudgeConfig, JudgeJob } from './judge-file';
import type { Claim } from '../io/claims';

export interface JudgeRequest {
  id: number;
  fd: number;
  /** The file's path, named in a storage fault. */
  where: string;
  job: JudgeJob;
  /**
   * The whole file's bytes, already read and hashed (their SHA-256 is `job.sha256`) by the main
   * thread, transferred with the request: the thread parses them instead of reading `fd`. Null:
   * the thread reads the file through `fd`, hashing it as it reads.
   */
  bytes: Uint8Array | null;
  /** The claim the thread writes just before it parses the file (null: none, the caller claimed it). */
  claim: Claim | null;
}

/**
 * A judgement as it crosses back from the thread: the refs it asked about (hundreds a file) as
 * one text joined by LF (a ref that was asked about is well-formed: letters, digits and hyphens)
 * with their count, instead of an array cloned one string at a time (issue 9).
 */
export type SentJudged = Judged extends infer J ? (J extends { refs: string[] } ? Omit<J, 'refs'> & { refsText: string; refsCount: number } : J) : never;

/** The judgement to post (see SentJudged). */
export function sentJudged(judged: Judged): SentJudged {
  if (judged.kind !== 'accepted' && judged.kind !== 'fault') return judged;
  const { refs, ...rest } = judged;
  return { ...rest, refsText: joinedLines(refs), refsCount: refs.length } as SentJudged;
}

/** The judgement posted by the thread (sentJudged). */
export function receivedJudged(sent: SentJudged): Judged {
  if (!('refsText' in sent)) return sent;
  const { refsText, refsCount, ...rest } = sent;
  return { ...rest, refs: splitLines(refsText, refsCount, (found) => `a judging thread sent ${found} refs for ${refsCount}`) } as Judged;
}

export type JudgeReply =
  | { id: number; kind: 'judged'; judged: SentJudged }
  | { id: number; kind: 'failed'; storage: boolean; name: string; message: string; errno: string | null };

/** The thread judging a file stopped; `culprit`: it stopped while parsing this file. */
export class JudgeThreadStopped extends Error {
  override readonly name = 'JudgeThreadStopped';
  constructor(readonly culprit: boolean, reason: string) {
    super(`a judging thread stopped (${reason})`);
  }
}

interface Pending {
  resolve: (j: Judged) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  /**
   * Shared with the thread: the id of the file whose parse it last started, until that file's
   * reply is posted (0: none). Request ids start at 1.
   */
  parsing: Int32Array;
  alive: boolean;
}

/** How the thread's code is loaded: the compiled file, or (tests run from the TypeScript sources) through the compiler. */
function workerSource(): { script: string; eval: boolean; extra: Record<string, unknown> } {
  const compiled = path.join(__dirname, 'judge-worker.js');
  if (existsSync(compiled)) return { script: compiled, eval: false, extra: {} };
  const source = path.join(__dirname, 'judge-worker.ts');
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const ts = require(workerData.typescript);
    require.extensions['.ts'] = (module, filename) => {
      const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
      module._compile(out.outputText, filename);
    };
    require(workerData.source);`;
  return { script: bootstrap, eval: true, extra: { typescript: require.resolve('typescript'), source } };
}

export class JudgePool {
  private readonly threads: Thread[] = [];
  private nextId = 1;

  constructor(config: JudgeConfig, size: number) {
    const src = workerSource();
    for (let i = 0; i < size; i++) {
      const parsing = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
      const worker = new Worker(src.script, { eval: src.eval, workerData: { config, parsing, ...src.extra } });
      const thread: Thread = { worker, pending: new Map(), parsing, alive: true };
      worker.on('message', (reply: JudgeReply) => this.receive(thread, reply));
      worker.on('error', (e: Error) => this.stopped(thread, e.message || e.name));
      worker.on('exit', (code) => this.stopped(thread, `exit code ${code}`));
      this.threads.push(thread);
    }
  }

  get size(): number {
    return this.threads.length;
  }

  /**
   * `bytes`: the whole file as read and hashed by the caller (InboxEntry.takeWholeBytes), their
   * memory handed over to the thread (the caller must not use them after); null to read `fd`.
   * `claim`: written by the thread just before it parses the file (a fault writing it is a
   * storage fault, rethrown as a StorageError, and nothing of the file is parsed).
   */
  judge(fd: number, where: string, job: JudgeJob, bytes: Uint8Array | null = null, claim: Claim | null = null): Promise<Judged> {
    const alive = this.threads.filter((t) => t.alive);
    if (alive.length === 0) return Promise.reject(new JudgeThreadStopped(false, 'no judging thread left'));
    const thread = alive.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<Judged>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      // InboxEntry reads a file into a buffer of its size and one byte more: the whole of it is handed over.
      const owned = bytes !== null ? ownedBuffer(bytes, 1) : null;
      thread.worker.postMessage({ id, fd, where, job, bytes, claim } satisfies JudgeRequest, owned ? [owned] : []);
    });
  }

  private receive(thread: Thread, reply: JudgeReply): void {
    const p = thread.pending.get(reply.id);
    if (!p) return;
    thread.pending.delete(reply.id);
    if (reply.kind === 'judged') {
      try {
        p.resolve(receivedJudged(reply.judged));
      } catch (e) {
        p.reject(e as Error);
      }
    }
    else if (reply.storage) p.reject(new StorageError(reply.message, reply.errno));
    else p.reject(Object.assign(new Error(reply.message), { name: reply.name }));
  }

  private stopped(thread: Thread, reason: string): void {
    if (!thread.alive) return;
    thread.alive = false;
    const parsing = Atomics.load(thread.parsing, 0);
    for (const [id, p] of thread.pending) p.reject(new JudgeThreadStopped(id === parsing, reason));
    thread.pending.clear();
  }

  /** Stops every thread (files in hand are abandoned: their promises reject). */
  async close(): Promise<void> {
    await Promise.all(this.threads.map(async (t) => {
      t.alive = false;
      await t.worker.terminate();
      for (const p of t.pending.values()) p.reject(new JudgeThreadStopped(false, 'the pool was closed'));
      t.pending.clear();
    }));
  }
}
