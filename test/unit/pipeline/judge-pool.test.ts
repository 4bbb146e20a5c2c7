/**
 * Issue 9: which file a judging thread was parsing when it stopped is kept in memory shared with
 * the main thread (no message a file). The poison guard rests on it: the file being parsed keeps
 * this run's attempt (culprit), every other file in the thread's hands gets its claim back.
 *
 * The thread is stopped inside a parse: its first file is long (300,000 copies of a D line, some
 * seconds to judge), and the thread is terminated as soon as the shared slot names that file.
 *
 * The thread also writes each file's claim just before it parses it (the parallel ingest): the
 * culprit is claimed, a file queued behind it is not.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readClaim } from '../../../src/io/claims';
import { StorageError } from '../../../src/domain/errors';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadOfferingFile, loadParticipantsFile } from '../../../src/io/config-files';
import { resolveIngestLimits } from '../../../src/offering/ingest-limits';
import { JudgePool, JudgeThreadStopped, receivedJudged, sentJudged } from '../../../src/pipeline/judge-pool';
import type { Judged } from '../../../src/pipeline/judge-file';
import { InvariantError } from '../../../src/domain/errors';
import type { JudgeConfig } from '../../../src/pipeline/judge-file';

const ROOT = path.join(__dirname, '..', '..', '..');
const SAMPLE = path.join(ROOT, 'samples', 'inbox', 'BRK001', 'day1.csv');

function config(workDir: string): JudgeConfig {
  const offering = loadOfferingFile(path.join(ROOT, 'samples', 'offerings', '0020-sensetime-2021.json'));
  return { offering, participants: loadParticipantsFile(path.join(ROOT, 'samples', 'participants.csv')), workDir, limits: resolveIngestLimits(offering.ingest_limits) };
}

const SAMPLE_SHA256 = createHash('sha256').update(readFileSync(SAMPLE)).digest('hex');
const job = (fileName: string) => ({ folder: 'BRK001', fileName, sha256: SAMPLE_SHA256, closeLists: false });
const claimOf = (fileName: string) => ({ folder: 'BRK001', file_name: fileName, sha256: SAMPLE_SHA256, attempts: 1 });

/** The pool's one thread, as the pool keeps it (private: its shared slot and its worker). */
const onlyThread = (pool: JudgePool) => (pool as unknown as { threads: { parsing: Int32Array; worker: { terminate(): Promise<number> } }[] }).threads[0]!;

/** Resolves once the pool's one thread has started its parse of request `id` (polls the shared slot). */
async function parsingStarted(pool: JudgePool, id: number): Promise<void> {
  const slot = onlyThread(pool).parsing;
  for (let i = 0; i < 2000 && Atomics.load(slot, 0) !== id; i++) await new Promise((r) => setTimeout(r, 5));
  expect(Atomics.load(slot, 0)).toBe(id);
}

describe('JudgePool', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'judge-pool-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a thread that stops inside a parse: that file is the culprit, the file queued behind it is not', async () => {
    // The sample's header, then one of its D lines again and again (the trailer does not matter:
    // the thread is stopped long before it is reached).
    const [header, detail] = readFileSync(SAMPLE, 'utf8').split('\n');
    const long = path.join(dir, 'long.csv');
    writeFileSync(long, `${header}\n${`${detail}\n`.repeat(300_000)}`);
    const held = openSync(long, 'r');
    const queued = openSync(SAMPLE, 'r');
    const pool = new JudgePool(config(path.join(dir, 'work')), 1);
    try {
      const first = pool.judge(held, long, job('long.csv'), null, claimOf('long.csv'));
      const second = pool.judge(queued, SAMPLE, job('day1.csv'), null, claimOf('day1.csv'));
      const outcomes = Promise.allSettled([first, second]);
      await parsingStarted(pool, 1);
      await onlyThread(pool).worker.terminate();
      const [a, b] = await outcomes;
      expect(a.status).toBe('rejected');
      expect(b.status).toBe('rejected');
      const ea = (a as PromiseRejectedResult).reason as JudgeThreadStopped;
      const eb = (b as PromiseRejectedResult).reason as JudgeThreadStopped;
      expect(ea).toBeInstanceOf(JudgeThreadStopped);
      expect(eb).toBeInstanceOf(JudgeThreadStopped);
      expect([ea.culprit, eb.culprit]).toEqual([true, false]);
      // The thread claims a file just before it parses it: the culprit is claimed (this run's
      // attempt counts), the file queued behind it never was.
      expect(await readClaim(path.join(dir, 'work'), 'BRK001', 'long.csv')).toEqual(claimOf('long.csv'));
      expect(await readClaim(path.join(dir, 'work'), 'BRK001', 'day1.csv')).toBeNull();
    } finally {
      await pool.close();
      closeSync(held);
      closeSync(queued);
    }
  }, 30_000);

  it('bytes handed over with the request are what is judged (not the descriptor), the same judgement as read through it', async () => {
    const bytes = readFileSync(SAMPLE);
    const own = new Uint8Array(new ArrayBuffer(bytes.length + 1), 0, bytes.length);
    own.set(bytes);
    // The descriptor given beside the bytes is another file's: a judge that read it would judge
    // other bytes (and their hash would not be the job's: INCOMPLETE).
    const other = path.join(dir, 'other.csv');
    writeFileSync(other, 'H,not,this,file\n');
    const otherFd = openSync(other, 'r');
    const fd = openSync(SAMPLE, 'r');
    const viaFd = new JudgePool(config(path.join(dir, 'work-fd')), 1);
    const viaBytes = new JudgePool(config(path.join(dir, 'work-bytes')), 1);
    try {
      const a = await viaFd.judge(fd, SAMPLE, job('day1.csv'));
      const b = await viaBytes.judge(otherFd, SAMPLE, job('day1.csv'), own);
      // Handed over, not copied: the sender's view of the memory is gone.
      expect(own.byteLength).toBe(0);
      expect(a.kind).toBe('accepted');
      expect(b.kind).toBe('accepted');
      if (a.kind !== 'accepted' || b.kind !== 'accepted') return;
      expect(b.meta).toEqual(a.meta);
      expect(b.refs).toEqual(a.refs);
      expect(b.store.jsonl_sha256).toBe(a.store.jsonl_sha256);
      expect(readFileSync(b.store.tmp)).toEqual(readFileSync(a.store.tmp));
      expect(readFileSync(b.ack.tmp, 'utf8')).toBe(readFileSync(a.ack.tmp, 'utf8'));
      expect(a.meta.records).toBeGreaterThan(0);
    } finally {
      await viaFd.close();
      await viaBytes.close();
      closeSync(fd);
      closeSync(otherFd);
    }
  });

  it('bytes that are a view of larger memory are copied to the thread, never taken from the sender', async () => {
    const bytes = readFileSync(SAMPLE);
    const big = new Uint8Array(bytes.length + 100);
    big.set(bytes, 50);
    const view = big.subarray(50, 50 + bytes.length);
    const fd = openSync(SAMPLE, 'r');
    const pool = new JudgePool(config(path.join(dir, 'work')), 1);
    try {
      const judged = await pool.judge(fd, SAMPLE, job('day1.csv'), view);
      expect(judged.kind).toBe('accepted');
      expect(Buffer.from(view)).toEqual(bytes);
    } finally {
      await pool.close();
      closeSync(fd);
    }
  });

  it('the claim handed with a file is written by the thread before its judgement; a claim that cannot be written stops the file as a storage fault', async () => {
    const work = path.join(dir, 'work');
    const fd = openSync(SAMPLE, 'r');
    const pool = new JudgePool(config(work), 1);
    try {
      const judged = await pool.judge(fd, SAMPLE, job('day1.csv'), null, claimOf('day1.csv'));
      expect(judged.kind).toBe('accepted');
      expect(await readClaim(work, 'BRK001', 'day1.csv')).toEqual(claimOf('day1.csv'));
      // The participant's claims folder is a file: the claim cannot be written, nothing is parsed.
      mkdirSync(path.join(work, 'claims'), { recursive: true });
      writeFileSync(path.join(work, 'claims', 'BRK002'), 'not a folder');
      const failed = pool.judge(fd, SAMPLE, { ...job('x.csv'), folder: 'BRK002' }, null, { ...claimOf('x.csv'), folder: 'BRK002' });
      await expect(failed).rejects.toBeInstanceOf(StorageError);
      await expect(failed).rejects.toThrow(/^cannot create the folder .*claims\/BRK002 \((EEXIST|ENOTDIR)/);
      expect(existsSync(path.join(work, 'outbox', 'BRK002'))).toBe(false);
    } finally {
      await pool.close();
      closeSync(fd);
    }
  });

  it('a file judged to the end is no longer the one being parsed', async () => {
    const fd = openSync(SAMPLE, 'r');
    const pool = new JudgePool(config(path.join(dir, 'work')), 1);
    try {
      const judged = await pool.judge(fd, SAMPLE, job('day1.csv'));
      expect(judged.kind).toBe('accepted');
      expect(Atomics.load(onlyThread(pool).parsing, 0)).toBe(0);
    } finally {
      await pool.close();
      closeSync(fd);
    }
  });

  it('a judgement crosses back with its refs as one text: the same judgement arrives', () => {
    const fault = (refs: string[]): Judged => ({ kind: 'fault', file_seq_asked: 3, records: 2, name: 'Error', message: 'x', refs });
    for (const refs of [[], ['A'], ['A-1', 'B-2', 'z9']]) expect(receivedJudged(structuredClone(sentJudged(fault(refs))))).toEqual(fault(refs));
    const incomplete: Judged = { kind: 'incomplete', file_seq_asked: null, records: 0 };
    expect(receivedJudged(structuredClone(sentJudged(incomplete)))).toEqual(incomplete);
    // Only well-formed refs are ever asked about; one holding an LF would be caught on arrival.
    expect(() => receivedJudged(sentJudged(fault(['a\nb'])))).toThrow(InvariantError);
  });
});
