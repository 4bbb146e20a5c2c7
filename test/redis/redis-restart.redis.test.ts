/**
 * Redis restarted mid-run (issue 7, "Faults"), on a redis-server of the test's own:
 * - with persistence (appendonly, as docs/redis.md requires): the watcher and the workers
 *   reconnect and finish; the outputs equal the embedded run's;
 * - without it (Redis comes back empty): every watcher and worker notices the lost epoch, stops
 *   (exit 74) instead of judging files out of order or twice; restarted, as a supervisor would,
 *   they queue again every file still in the inbox from the work folder and finish, byte-identical.
 */
import { compareTrees } from '../unit/refund/cli-harness';
import { writeOrderedBook } from './book-builder';
import { ackCount, cluster, embeddedRun, freshBook, killAll, logLines, outputs, ownRedis, sleep, until, cleanTemps } from './harness';

jest.setTimeout(240_000);
afterEach(killAll);
afterAll(cleanTemps);

function orderedBook() {
  const source = freshBook('restart-src');
  const built = writeOrderedBook(source.inbox, { participants: ['BRK001', 'BRK002', 'CUS001', 'INV001', 'WFE001'], files: 6, records: 600 });
  return { source, built };
}

test('Redis restarted with its data (appendonly): the workers reconnect and finish; outputs equal run', async () => {
  const { source, built } = orderedBook();
  const embedded = await embeddedRun(source.inbox, '3.85', 'restart');
  const redis = await ownRedis(true);
  const book = freshBook('restart-aof', source.inbox);
  const c = cluster('restart-aof', book, redis.url);
  try {
    c.startWatcher();
    c.startWorker();
    c.startWorker();
    await until('a few acks', () => ackCount(book.work) >= 3, 60_000, 20);
    const before = ackCount(book.work);
    expect(before).toBeLessThan(built.complete);
    await redis.stop();
    await sleep(1500);
    await redis.start();
    await until('every complete file acknowledged', () => ackCount(book.work) >= built.complete, 120_000);
    const closed = await c.close('3.85', 'restart');
    expect(closed.code).toBe(0);
    await c.stopAll();
    expect(c.workers.every((w) => w.child.exitCode === 0)).toBe(true);
    expect(compareTrees(outputs(book.work), embedded)).toEqual([]);
    expect(logLines(c).some((l) => String(l.msg).includes('connection error'))).toBe(true);
  } finally {
    await killAll();
    await redis.stop();
  }
});

test('Redis restarted empty: the members stop (exit 74); restarted, they rebuild the queues from the work folder; outputs equal run', async () => {
  const { source, built } = orderedBook();
  const embedded = await embeddedRun(source.inbox, '3.85', 'restart');
  const redis = await ownRedis(false);
  const book = freshBook('restart-empty', source.inbox);
  const c = cluster('restart-empty', book, redis.url);
  try {
    c.startWatcher();
    c.startWorker();
    c.startWorker();
    await until('a few acks', () => ackCount(book.work) >= 3, 60_000, 20);
    await redis.stop();
    await sleep(1000);
    await redis.start();
    const exits = await Promise.all([...c.watchers, ...c.workers].map((p) => p.done));
    expect(exits.map((e) => e.code)).toEqual([74, 74, 74]);
    expect(exits.map((e) => e.out).join('')).toMatch(/Redis lost its data/);
    expect(ackCount(book.work)).toBeLessThan(built.complete);
    c.startWatcher();
    c.startWorker();
    c.startWorker();
    await until('every complete file acknowledged', () => ackCount(book.work) >= built.complete, 120_000);
    const closed = await c.close('3.85', 'restart');
    expect(closed.code).toBe(0);
    await c.stopAll();
    expect(compareTrees(outputs(book.work), embedded)).toEqual([]);
  } finally {
    await killAll();
    await redis.stop();
  }
});
