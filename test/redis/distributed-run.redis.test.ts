/**
 * The distributed run equals the embedded one, byte for byte (issue 7, "Done when"): the same
 * book through `run`, and through a watcher with 1 and with 3 worker processes then
 * `close --final-price --seed --wait`, gives identical acknowledgements (outbox/) and identical
 * allocation files. Books: the quick-start sample, the golden clawback case (compared with its
 * expected/ files), and a generated book whose acks depend on each participant's file order.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareTrees } from '../unit/refund/cli-harness';
import { writeOrderedBook } from './book-builder';
import {
  ackCount, Book, cluster, dropPrefix, embeddedRun, freshBook, inboxFiles, killAll, logLines, outputs, readTree, ROOT, runCli, tempDir, until, cleanTemps,
} from './harness';

jest.setTimeout(180_000);
afterEach(killAll);
afterAll(cleanTemps);

const SAMPLES = path.join(ROOT, 'samples/inbox');
const CLAWBACK = path.join(ROOT, 'test/golden/clawback-oversubscribed');

interface Distributed {
  tree: Map<string, Buffer>;
  /** Proof of work: files judged by a worker job, and the distinct worker processes that judged them. */
  judged: number;
  workers: number;
  out: string;
}

/** Watcher + `workers` processes until every complete file is acknowledged, then the close. */
async function distributedRun(book: Book, workers: number, complete: number, price: string, seed: string): Promise<Distributed> {
  const c = cluster('dist', book);
  try {
    c.startWatcher();
    for (let i = 0; i < workers; i++) c.startWorker();
    await until(`${complete} acks`, () => ackCount(book.work) >= complete, 120_000);
    const closed = await c.close(price, seed);
    expect(closed.out).toMatch(/written: /);
    expect(closed.code).toBe(0);
    await c.stopAll();
    expect(inboxFiles(book.inbox)).toEqual([]);
    const ingested = logLines(c).filter((l) => l.msg === 'file ingested' && l.outcome !== 'GONE');
    return { tree: outputs(book.work), judged: ingested.length, workers: new Set(ingested.map((l) => l._log)).size, out: closed.out };
  } finally {
    await killAll();
    await dropPrefix(c.url, c.prefix);
  }
}

describe('the sample book: run, watch + 1 worker, watch + 3 workers', () => {
  let embedded: Map<string, Buffer>;
  beforeAll(async () => {
    embedded = await embeddedRun(SAMPLES, '3.85', 'samples-2021');
  });

  test.each([1, 3])('watch + %i worker(s): every ack and every allocation file byte-identical to run', async (workers) => {
    const r = await distributedRun(freshBook('samples', SAMPLES), workers, 13, '3.85', 'samples-2021');
    expect(embedded.size).toBe(14 + readdirSync(path.join(ROOT, 'samples/expected/allocation')).length);
    expect(compareTrees(r.tree, embedded)).toEqual([]);
    // 14 files judged by worker jobs: 13 queued by the watcher, the one without a trailer by the close.
    expect(r.judged).toBe(14);
    expect(r.out).toMatch(/^book closed at .*: 1 file\(s\) in the inboxes had arrived before the close$/m);
    // The allocation is the one samples/expected holds.
    expect(compareTrees(new Map([...r.tree].filter(([k]) => k.startsWith('allocation/')).map(([k, v]) => [k.slice('allocation/'.length), v])), readTree(path.join(ROOT, 'samples/expected/allocation')))).toEqual([]);
  });
});

test('the golden clawback case through watch + 3 workers equals its expected files', async () => {
  const r = await distributedRun(freshBook('clawback', path.join(CLAWBACK, 'input/inbox')), 3, 11, '3.90', 'clawback-2021');
  expect(compareTrees(r.tree, readTree(path.join(CLAWBACK, 'expected')))).toEqual([]);
  expect(r.judged).toBe(11);
});

test('a book whose acks depend on each participant\'s file order: 1 and 3 workers equal run', async () => {
  const source = freshBook('ordered-src');
  const built = writeOrderedBook(source.inbox, { participants: ['BRK001', 'BRK002', 'CUS001', 'INV001', 'WFE001'], files: 5, records: 120 });
  const embedded = await embeddedRun(source.inbox, '3.85', 'ordered');
  const acks = [...embedded.keys()].filter((k) => k.startsWith('outbox/'));
  expect(acks).toHaveLength(built.files);
  const text = [...embedded.values()].map((b) => b.toString('utf8')).join('');
  for (const code of ['REF_REUSED', 'FILE_SEQ_REPLAYED', 'DUPLICATE_FILE', 'MULTIPLE_APPLICATION', 'FILE_INCOMPLETE']) expect(text).toContain(code);
  for (const workers of [1, 3]) {
    const r = await distributedRun(freshBook('ordered', source.inbox), workers, built.complete, '3.85', 'ordered');
    expect({ workers, problems: compareTrees(r.tree, embedded) }).toEqual({ workers, problems: [] });
    expect(r.judged).toBe(built.files);
    // Proof that the work was shared: with 3 worker processes, more than one judged files.
    if (workers === 1) expect(r.workers).toBe(1);
    else expect(r.workers).toBeGreaterThanOrEqual(2);
  }
});

test('a ballot policy given to the distributed close: the same files as run --ballot-policy', async () => {
  const policy = path.join(tempDir('policy'), 'policy.json');
  writeFileSync(policy, JSON.stringify({ A: { first_row_pct: '50.00' }, B: { exponent: 1 } }));
  const inbox = path.join(CLAWBACK, 'input/inbox');
  const ref = freshBook('policy-ref', inbox);
  const r = await runCli(['run', '--work', ref.work, '--offering', ref.offering, '--participants', ref.participants, '--inbox', ref.inbox, '--final-price', '3.90', '--seed', 'policy', '--ballot-policy', policy]);
  expect(r.stderr).toBe('');
  const embedded = outputs(ref.work);
  expect(embedded.get('allocation/summary.json')!.toString()).toContain('first_row_pct');
  const book = freshBook('policy', inbox);
  const c = cluster('policy', book);
  try {
    c.startWatcher();
    c.startWorker();
    c.startWorker();
    await until('11 acks', () => ackCount(book.work) >= 11);
    const closed = await c.close('3.90', 'policy', ['--ballot-policy', policy]);
    expect(closed.code).toBe(0);
    await c.stopAll();
    expect(compareTrees(outputs(book.work), embedded)).toEqual([]);
  } finally {
    await killAll();
    await dropPrefix(c.url, c.prefix);
  }
});
