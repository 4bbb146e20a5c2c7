/**
 * The distributed run obeys the book's lifecycle exactly as the embedded commands do (issue 7):
 * two watchers never queue a file twice; re-dropped files are answered DUPLICATE_FILE as the
 * embedded ingest answers them; the close is a fence even while workers are mid-file (every file
 * in an inbox at the close counts, every later one is BOOK_CLOSED); `close` repeated never
 * allocates twice and the flow completes exactly once; the embedded commands and the workers
 * keep out of each other's way (exit 75); a CPU-heavy file never lets its job's lock lapse.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import { acquireWorkLock } from '../../src/io/work-lock';
import { compareTrees } from '../unit/refund/cli-harness';
import { dLine, fileText, hkid, hLine } from '../unit/validate/fixture';
import { writeOrderedBook } from './book-builder';
import {
  ackCount, bookArgs, cluster, copyInbox, dropPrefix, embeddedRun, freshBook, inboxFiles, killAll, logLines, outputs, readTree, ROOT, runCli, start, stop, until, cleanTemps,
} from './harness';

jest.setTimeout(180_000);
afterEach(killAll);
afterAll(cleanTemps);

const SAMPLES = path.join(ROOT, 'samples/inbox');
const transitions = (work: string) => (JSON.parse(readFileSync(path.join(work, 'lifecycle.json'), 'utf8')) as { transitions: { to: string }[] }).transitions.map((t) => t.to);

test('two watchers on one inbox: every file judged once; outputs equal run', async () => {
  const source = freshBook('two-src');
  const built = writeOrderedBook(source.inbox, { participants: ['BRK001', 'BRK002', 'INV001'], files: 4, records: 60 });
  const embedded = await embeddedRun(source.inbox, '3.85', 'two');
  const book = freshBook('two', source.inbox);
  const c = cluster('two-watchers', book);
  try {
    c.startWatcher();
    c.startWatcher();
    c.startWorker();
    c.startWorker();
    await until('acks', () => ackCount(book.work) >= built.complete);
    expect((await c.close('3.85', 'two')).code).toBe(0);
    await c.stopAll();
    expect(compareTrees(outputs(book.work), embedded)).toEqual([]);
    const judged = logLines(c).filter((l) => l.msg === 'file ingested').map((l) => `${l.participant}/${l.file}`);
    expect(judged.sort()).toEqual([...new Set(judged)].sort());
    expect(judged).toHaveLength(built.files);
  } finally {
    await killAll();
    await dropPrefix(c.url, c.prefix);
  }
});

test('re-drops (the same name, another name) are DUPLICATE_FILE, as ingest answers them; each drop has its own job', async () => {
  // The embedded reference: ingest, the same files dropped again, ingest, allocate.
  const ref = freshBook('redrop-ref', SAMPLES);
  const redrop = (inbox: string) => {
    for (const [name, as] of [['day1.csv', 'day1.csv'], ['day1.csv', 'day1-again.csv']] as const) {
      copyFileSync(path.join(SAMPLES, 'BRK001', name), path.join(inbox, 'BRK001', as));
    }
  };
  expect((await runCli(['ingest', ...bookArgs(ref), '--inbox', ref.inbox])).code).toBe(0);
  redrop(ref.inbox);
  expect((await runCli(['ingest', ...bookArgs(ref), '--inbox', ref.inbox])).code).toBe(0);
  expect((await runCli(['allocate', ...bookArgs(ref), '--final-price', '3.85', '--seed', 'redrop'])).code).toBe(0);
  const embedded = outputs(ref.work);
  expect(embedded.get('outbox/BRK001/day1-again.csv.ack.csv')!.toString()).toContain(',DUPLICATE_FILE,');

  const book = freshBook('redrop', SAMPLES);
  const c = cluster('redrop', book);
  try {
    c.startWatcher();
    c.startWorker();
    await until('13 acks', () => ackCount(book.work) >= 13);
    redrop(book.inbox);
    await until('14 acks', () => ackCount(book.work) >= 14 && inboxFiles(book.inbox).length === 1);
    expect((await c.close('3.85', 'redrop')).code).toBe(0);
    await c.stopAll();
    expect(compareTrees(outputs(book.work), embedded)).toEqual([]);
    const sha = createHash('sha256').update(readFileSync(path.join(SAMPLES, 'BRK001/day1.csv'))).digest('hex');
    const ids = logLines(c).filter((l) => l.msg === 'file ingested' && l.participant === 'BRK001').map((l) => String(l.job_id)).filter((id) => id.includes(sha)).sort();
    // day1.csv, resend-day1.csv (the sample's own re-send), and the two re-drops: four drops of the same bytes.
    expect(ids).toEqual([`ingest.BRK001.${sha}`, `ingest.BRK001.${sha}.2`, `ingest.BRK001.${sha}.3`, `ingest.BRK001.${sha}.4`]);
  } finally {
    await killAll();
    await dropPrefix(c.url, c.prefix);
  }
});

test('the close while workers are mid-file: every file in the inbox at the close counts, a later one is BOOK_CLOSED', async () => {
  const source = freshBook('fence-src');
  const built = writeOrderedBook(source.inbox, { participants: ['BRK001', 'CUS001', 'INV001', 'WFE001'], files: 4, records: 200 });
  // A big file, so that a worker is certainly reading it when the book closes.
  const big = Array.from({ length: 30_000 }, (_, i) => dLine({ ref: `BIG-${i}`, id: hkid('B', String(300000 + i)) }));
  mkdirSync(path.join(source.inbox, 'BRK002'), { recursive: true });
  writeFileSync(path.join(source.inbox, 'BRK002', 'big.csv'), fileText(big, hLine('BRK002', 'CLEARING', '1')));
  const embedded = await embeddedRun(source.inbox, '3.85', 'fence');
  const book = freshBook('fence', source.inbox);
  const c = cluster('fence', book);
  try {
    c.startWatcher();
    c.startWorker();
    c.startWorker();
    // Its claim's existence only: reading every claim would race with the workers removing theirs.
    await until('the big file being read', () => existsSync(path.join(book.work, 'claims', 'BRK002', 'big.csv.json')), 60_000, 5);
    const pending = inboxFiles(book.inbox);
    expect(pending).toContain('BRK002/big.csv');
    const closing = c.close('3.85', 'fence');
    await until('the close recorded', () => transitions(book.work).includes('closed'), 30_000, 5);
    // Dropped after the close: BOOK_CLOSED, whichever worker meets it.
    writeFileSync(path.join(book.inbox, 'BRK001', 'late.csv'), fileText([dLine({ ref: 'LATE-1', id: hkid('L', '100001') })], hLine('BRK001', 'CLEARING', '50')));
    const closed = await closing;
    expect(closed.out).toMatch(/book closed at .*: \d+ file\(s\) in the inboxes had arrived before the close/);
    expect(closed.code).toBe(0);
    await until('the late file answered', () => existsSync(path.join(book.work, 'outbox', 'BRK001', 'late.csv.ack.csv')));
    await c.stopAll();
    const out = outputs(book.work);
    expect(out.get('outbox/BRK001/late.csv.ack.csv')!.toString()).toMatch(/^line,instruction_ref,status,reason_code,detail\n0,,FILE_REJECTED,BOOK_CLOSED,arrived after the book was closed for allocation \(the book was closed at .*\)\n$/);
    out.delete('outbox/BRK001/late.csv.ack.csv');
    // Everything that was in the inbox at the close counted, exactly as if it had all been ingested before.
    expect(compareTrees(out, embedded)).toEqual([]);
    expect(readFileSync(path.join(book.work, 'allocation/results.csv'), 'utf8')).not.toContain('LATE-1');
    expect(built.files + 1).toBe([...embedded.keys()].filter((k) => k.startsWith('outbox/')).length);
  } finally {
    await killAll();
    await dropPrefix(c.url, c.prefix);
  }
});

describe('close repeated, the flow once', () => {
  test('two closes at once and one more later: one allocation, one flow run; other parameters are refused (exit 3)', async () => {
    const book = freshBook('once', SAMPLES);
    const c = cluster('once', book);
    try {
      c.startWatcher();
      c.startWorker();
      c.startWorker();
      await until('13 acks', () => ackCount(book.work) >= 13);
      const [a, b] = await Promise.all([c.close('3.85', 'samples-2021'), c.close('3.85', 'samples-2021')]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const again = await c.close('3.85', 'samples-2021');
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/^already final: allocated with final price 3\.85, seed "samples-2021" at .* by .*; nothing queued\n$/);
      const other = await c.close('3.85', 'another-seed');
      expect(other.code).toBe(3);
      expect(other.out).toMatch(/the book was allocated at .* \(final price 3\.85, seed "samples-2021"\); a new allocation needs --supersede --reason TEXT/);
      await c.stopAll();
      expect(transitions(book.work)).toEqual(['open', 'closed', 'allocating', 'allocated']);
      const lines = logLines(c);
      expect(lines.filter((l) => l.msg === 'allocation written')).toHaveLength(1);
      expect(lines.filter((l) => l.msg === 'allocation prepared')).toHaveLength(1);
      // Byte-identical to the sample's expected allocation.
      const alloc = new Map([...outputs(book.work)].filter(([k]) => k.startsWith('allocation/')).map(([k, v]) => [k.slice(11), v]));
      expect(compareTrees(alloc, readTree(path.join(ROOT, 'samples/expected/allocation')))).toEqual([]);
      const queue = new Queue('export', { connection: { url: c.url }, prefix: c.prefix });
      try {
        const parent = (await queue.getJob(String(lines.find((l) => l.msg === 'allocation written')!.job_id)))!;
        expect([parent.attemptsMade, await parent.getState()]).toEqual([1, 'completed']);
        expect(await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active')).toEqual({ completed: 1, failed: 0, waiting: 0, delayed: 0, active: 0 });
      } finally {
        await queue.close();
      }
    } finally {
      await killAll();
      await dropPrefix(c.url, c.prefix);
    }
  });

  test('parameters the allocation refuses fail the flow visibly: close --wait exits 2 with the reason, nothing recorded', async () => {
    const book = freshBook('refused', SAMPLES);
    const c = cluster('refused', book);
    try {
      c.startWatcher();
      c.startWorker();
      await until('13 acks', () => ackCount(book.work) >= 13);
      // Reallocation needs the final price 3.85 and an oversubscription below the first tier: 1.75x allows it,
      // but not at 3.90.
      const r = await c.close('3.90', 'samples-2021', ['--reallocate', '1000000']);
      expect(r.out).toMatch(/the allocation failed: reallocation needs the final price to be 3\.85, not 3\.9/);
      expect(r.code).toBe(2);
      expect(transitions(book.work)).toEqual(['open', 'closed']);
      // The right parameters then allocate.
      expect((await c.close('3.85', 'samples-2021')).code).toBe(0);
      expect(transitions(book.work)).toEqual(['open', 'closed', 'allocating', 'allocated']);
      await c.stopAll();
    } finally {
      await killAll();
      await dropPrefix(c.url, c.prefix);
    }
  });
});

describe('the embedded commands and the workers keep out of each other\'s way', () => {
  test('while watchers and workers run, ingest and allocate are refused (exit 75, naming them); once they stop, the folder is free', async () => {
    const book = freshBook('excl', SAMPLES);
    const c = cluster('excl', book);
    try {
      c.startWatcher();
      c.startWorker();
      await until('13 acks', () => ackCount(book.work) >= 13);
      const ingest = await runCli(['ingest', ...bookArgs(book), '--inbox', book.inbox]);
      expect(ingest.code).toBe(75);
      expect(ingest.stderr).toMatch(new RegExp(`^ccass-batch: work folder ${book.work} is held by the BullMQ workers of Redis prefix "${c.prefix}" \\(\`(watch|worker)\` pid \\d+ on ${os.hostname()}, operator .*, since .*\\); use the Redis commands, or stop every watcher and worker \\(the folder is free a minute after the last one stops\\)\\n$`));
      expect((await runCli(['allocate', ...bookArgs(book), '--final-price', '3.85', '--seed', 's'])).code).toBe(75);
      await c.stopAll();
      const alloc = await runCli(['allocate', ...bookArgs(book), '--final-price', '3.85', '--seed', 'samples-2021']);
      expect(alloc.stderr).toBe('');
      expect(alloc.code).toBe(0);
    } finally {
      await killAll();
      await dropPrefix(c.url, c.prefix);
    }
  });

  test('while an embedded command holds the folder, a watcher is refused (exit 75) and a job waits, then runs', async () => {
    const book = freshBook('held', SAMPLES);
    mkdirSync(book.work, { recursive: true });
    const lock = await acquireWorkLock(book.work, { command: 'ingest', operator: 'clerk' });
    const c = cluster('held', book);
    try {
      const refused = await c.startWatcher().done;
      expect(refused.code).toBe(75);
      expect(refused.out).toContain(`ccass-batch: work folder ${book.work} is held by \`ingest\` (pid ${process.pid} on ${os.hostname()}, operator clerk)`);
      await lock.release();
      c.startWatcher();
      // The watcher holds the folder now; an embedded lock taken behind the group's back (as a
      // stale takeover would) makes the worker's jobs wait and retry rather than ingest.
      await until('the group lock', () => existsSync(path.join(book.work, 'lock.json')));
      const stolen = JSON.parse(readFileSync(path.join(book.work, 'lock.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(path.join(book.work, 'lock.json'), JSON.stringify({ ...stolen, token: 'embedded', group: undefined, command: 'allocate', pid: process.pid, host: os.hostname() }));
      c.startWorker();
      await until('a job refused', () => logLines(c).some((l) => l.error === 'WorkFolderBusyError'), 30_000);
      expect(ackCount(book.work)).toBe(0);
      writeFileSync(path.join(book.work, 'lock.json'), JSON.stringify(stolen));
      await until('13 acks', () => ackCount(book.work) >= 13, 60_000);
      await c.stopAll();
    } finally {
      await lock.release();
      await killAll();
      await dropPrefix(c.url, c.prefix);
    }
  });
});

test('a CPU-heavy file never lets its job\'s lock lapse: judged once, by one attempt, never stalled', async () => {
  const book = freshBook('heavy');
  const lines = Array.from({ length: 120_000 }, (_, i) => dLine({ ref: `H-${i}`, id: hkid('H', String(100000 + (i % 800000))) }));
  mkdirSync(path.join(book.inbox, 'BRK001'), { recursive: true });
  writeFileSync(path.join(book.inbox, 'BRK001', 'heavy.csv'), fileText(lines, hLine('BRK001', 'CLEARING', '1')));
  const c = cluster('heavy', book, undefined, ['--lock-duration', '4000']);
  try {
    c.startWatcher();
    c.startWorker();
    c.startWorker();
    await until('the ack', () => ackCount(book.work) === 1, 120_000);
    await c.stopAll();
    const all = logLines(c);
    expect(all.filter((l) => l.msg === 'file ingested').map((l) => [l.outcome, l.records, l.attempt])).toEqual([['ACCEPTED', 120_000, 1]]);
    expect(all.filter((l) => String(l.msg).startsWith('job stalled'))).toEqual([]);
  } finally {
    await killAll();
    await dropPrefix(c.url, c.prefix);
  }
});
