/**
 * Faults of the processes (issue 7, "Faults"): a worker SIGKILLed at every step of a file, workers
 * and the watcher SIGKILLed at random moments and restarted, a worker stopped by SIGTERM while it
 * holds a file (finishing it, or handing it back): the outputs are byte-identical to the embedded
 * run's, nothing lost, nothing counted twice.
 *
 * The step-by-step crash uses the workers' crash drill: `CCASS_TEST_KILL_AT=<step>:<marker>`
 * makes a worker SIGKILL itself at that step (pipeline/ingest-file.ts INGEST_STEPS) of the first
 * file that reaches it.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { INGEST_STEPS } from '../../src/pipeline/ingest-file';
import { compareTrees } from '../unit/refund/cli-harness';
import { dLine, fileText, hkid, hLine } from '../unit/validate/fixture';
import { writeOrderedBook } from './book-builder';
import {
  ackCount, cluster, dropPrefix, embeddedRun, freshBook, inboxFiles, killAll, logLines, outputs, ROOT, sleep, stop, tempDir, until, cleanTemps,
} from './harness';

jest.setTimeout(240_000);
afterEach(killAll);
afterAll(cleanTemps);

const SAMPLES = path.join(ROOT, 'samples/inbox');

describe('a worker SIGKILLed at each step of a file, then restarted', () => {
  let embedded: Map<string, Buffer>;
  beforeAll(async () => {
    embedded = await embeddedRun(SAMPLES, '3.85', 'samples-2021');
  });

  test.each([...INGEST_STEPS])('killed at %s: byte-identical outputs, the file judged once', async (step) => {
    const book = freshBook(`kill-${step}`, SAMPLES);
    const c = cluster(`kill-${step}`, book);
    const marker = path.join(tempDir('drill'), 'killed');
    try {
      c.startWatcher();
      const doomed = c.startWorker({ CCASS_TEST_KILL_AT: `${step}:${marker}` });
      const died = await doomed.done;
      expect(died.signal).toBe('SIGKILL');
      expect(existsSync(marker)).toBe(true);
      c.startWorker();
      await until('13 acks', () => ackCount(book.work) >= 13, 90_000);
      const closed = await c.close('3.85', 'samples-2021');
      expect(closed.code).toBe(0);
      await c.stopAll();
      expect(compareTrees(outputs(book.work), embedded)).toEqual([]);
      expect(inboxFiles(book.inbox)).toEqual([]);
      // No claim left open, no file counted twice: one judgement per file (the killed one left no log line).
      expect(readdirSync(path.join(book.work, 'claims')).flatMap((p) => readdirSync(path.join(book.work, 'claims', p)))).toEqual([]);
      const judged = logLines(c).filter((l) => l.msg === 'file ingested' && l.outcome !== 'GONE');
      expect(judged.length).toBe(step === 'moved' ? 13 : 14);
      if (step === 'committed' || step === 'acknowledged') expect(judged.filter((l) => l.recovered === true)).toHaveLength(1);
      if (step === 'moved') expect(logLines(c).filter((l) => l.msg === 'file ingested' && l.outcome === 'GONE')).toHaveLength(1);
    } finally {
      await killAll();
      await dropPrefix(c.url, c.prefix);
    }
  });
});

test('workers and the watcher SIGKILLed at random moments and restarted: outputs equal run', async () => {
  const source = freshBook('random-src');
  const built = writeOrderedBook(source.inbox, { participants: ['BRK001', 'BRK002', 'CUS001', 'INV001', 'WFE001'], files: 6, records: 400 });
  const embedded = await embeddedRun(source.inbox, '3.85', 'random');
  const book = freshBook('random', source.inbox);
  const c = cluster('random', book);
  try {
    let watcher = c.startWatcher();
    const workers = [c.startWorker(), c.startWorker(), c.startWorker()];
    let kills = 0;
    // A pseudo-random but reproducible schedule of kills while files are being judged.
    for (let round = 0; ackCount(book.work) < built.complete && round < 40; round++) {
      await sleep(250 + ((round * 7919) % 500));
      const i = (round * 31) % workers.length;
      workers[i]!.child.kill('SIGKILL');
      await workers[i]!.done;
      workers[i] = c.startWorker();
      kills += 1;
      if (round % 4 === 1) {
        watcher.child.kill('SIGKILL');
        await watcher.done;
        watcher = c.startWatcher();
      }
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    await until(`${built.complete} acks`, () => ackCount(book.work) >= built.complete, 120_000);
    const closed = await c.close('3.85', 'random');
    expect(closed.code).toBe(0);
    await c.stopAll();
    expect(compareTrees(outputs(book.work), embedded)).toEqual([]);
  } finally {
    await killAll();
    await dropPrefix(c.url, c.prefix);
  }
});

describe('SIGTERM while a worker holds a file', () => {
  /** One participant file big enough to take a while. */
  function bigBook() {
    const book = freshBook('sigterm');
    const lines = Array.from({ length: 40_000 }, (_, i) => dLine({ ref: `S-${i}`, id: hkid('S', String(100000 + i)) }));
    const dir = path.join(book.inbox, 'BRK001');
    require('node:fs').mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'big.csv'), fileText(lines, hLine('BRK001', 'CLEARING', '1')));
    return book;
  }
  const claimed = (work: string) => existsSync(path.join(work, 'claims/BRK001/big.csv.json'));

  test('finishes the file, then exits 0', async () => {
    const book = bigBook();
    const c = cluster('sigterm-finish', book);
    try {
      c.startWatcher();
      const w = c.startWorker();
      await until('the file claimed', () => claimed(book.work), 60_000, 10);
      const exit = await stop(w);
      expect(exit.code).toBe(0);
      // It finished the file before it stopped.
      expect(ackCount(book.work)).toBe(1);
      expect(inboxFiles(book.inbox)).toEqual([]);
      const lines = logLines(c);
      expect(lines.filter((l) => l.msg === 'file ingested').map((l) => [l.outcome, l.accepted])).toEqual([['ACCEPTED', 40_000]]);
      expect(lines.some((l) => l.msg === 'worker stopped')).toBe(true);
    } finally {
      await killAll();
      await dropPrefix(c.url, c.prefix);
    }
  });

  test('with a short shutdown timeout, hands the file back: another worker finishes it', async () => {
    const book = bigBook();
    const embedded = await embeddedRun(book.inbox, '3.85', 'sigterm');
    const c = cluster('sigterm-handback', book);
    try {
      c.startWatcher();
      const w = c.startWorker({}, ['--shutdown-timeout', '50']);
      await until('the file claimed', () => claimed(book.work), 60_000, 10);
      const exit = await stop(w);
      expect(exit.code).toBe(0);
      expect(ackCount(book.work)).toBe(0);
      expect(logLines(c).some((l) => l.msg === 'worker stopping without finishing its current jobs: they are handed back to the other workers')).toBe(true);
      c.startWorker();
      await until('the ack', () => ackCount(book.work) === 1, 60_000);
      expect((await c.close('3.85', 'sigterm')).code).toBe(0);
      await c.stopAll();
      expect(compareTrees(outputs(book.work), embedded)).toEqual([]);
    } finally {
      await killAll();
      await dropPrefix(c.url, c.prefix);
    }
  });
});
