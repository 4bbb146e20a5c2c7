/**
 * The drop ledger on a real Redis (src/workers/drop-ledger.ts): per participant, drops in the
 * order given, one head at a time, a file seen once never dropped twice (also after its job is
 * gone), a re-sent copy of the same bytes a new drop with its own id, and the close's re-drop of
 * a file that stayed in its inbox.
 */
import { Redis } from 'ioredis';
import type { InboxEntry } from '../../src/book/lifecycle';
import { DropLedger } from '../../src/workers/drop-ledger';
import { dropPrefix, REDIS_URL, uniquePrefix } from './harness';

const sha = (c: string) => c.repeat(64);
const entry = (name: string, ino: number, folder = 'BRK001'): InboxEntry => ({ inbox: '/in', folder, name, dev: 1, ino, size: 10, mtime_ms: 1000 });

let redis: Redis;
let prefix: string;
let ledger: DropLedger;
beforeEach(() => {
  redis = new Redis(REDIS_URL);
  prefix = uniquePrefix('ledger');
  ledger = new DropLedger(redis, { url: REDIS_URL, prefix });
});
afterEach(async () => {
  await dropPrefix(REDIS_URL, prefix);
  redis.disconnect();
});

test('drops keep the order given, one head per participant; resolving the head moves the turn', async () => {
  expect(await ledger.add('BRK001', [{ entry: entry('a.csv', 1), sha256: sha('a') }, { entry: entry('b.csv', 2), sha256: sha('b') }], 'watch')).toBe(2);
  expect(await ledger.add('BRK002', [{ entry: entry('a.csv', 3, 'BRK002'), sha256: sha('c') }], 'watch')).toBe(1);
  expect(await ledger.head('BRK001')).toEqual({ id: sha('a'), seq: 1, inbox: '/in', folder: 'BRK001', name: 'a.csv', sha256: sha('a') });
  expect(await ledger.turn('BRK001', sha('b'))).toBe('waiting');
  expect(await ledger.turn('BRK001', sha('a'))).toBe('head');
  expect([...(await ledger.pending())]).toEqual([['BRK001', 2], ['BRK002', 1]]);
  await ledger.resolve('BRK001', sha('a'));
  expect(await ledger.turn('BRK001', sha('a'))).toBe('gone');
  expect((await ledger.head('BRK001'))?.name).toBe('b.csv');
  await ledger.resolve('BRK001', sha('b'));
  expect(await ledger.head('BRK001')).toBeNull();
  expect([...(await ledger.pending())]).toEqual([['BRK002', 1]]);
});

test('a file seen before is never dropped again by a watcher, even once resolved; the same bytes re-sent are a new drop', async () => {
  const a = { entry: entry('a.csv', 1), sha256: sha('a') };
  expect(await ledger.add('BRK001', [a], 'watch')).toBe(1);
  expect(await ledger.add('BRK001', [a], 'watch')).toBe(0); // a second watcher, or the next scan
  await ledger.resolve('BRK001', sha('a'));
  expect(await ledger.add('BRK001', [a], 'watch')).toBe(0); // its job is gone: the guard holds
  // The same bytes dropped again (another file): a new drop, with its own id.
  expect(await ledger.add('BRK001', [{ entry: entry('a-again.csv', 7), sha256: sha('a') }], 'watch')).toBe(1);
  expect(await ledger.head('BRK001')).toEqual({ id: `${sha('a')}.2`, seq: 2, inbox: '/in', folder: 'BRK001', name: 'a-again.csv', sha256: sha('a') });
});

test('the close drops again a file whose drop was resolved while it stayed in its inbox, but not one still pending', async () => {
  const waiting = { entry: entry('partial.csv', 1), sha256: sha('d') };
  expect(await ledger.add('BRK001', [waiting], 'watch')).toBe(1);
  expect(await ledger.add('BRK001', [waiting], 'close')).toBe(0); // still pending: one drop is enough
  await ledger.resolve('BRK001', sha('d')); // judged INCOMPLETE, left in the inbox
  expect(await ledger.add('BRK001', [waiting], 'watch')).toBe(0);
  expect(await ledger.add('BRK001', [waiting], 'close')).toBe(1);
  expect((await ledger.head('BRK001'))?.id).toBe(`${sha('d')}.2`);
});

test('which files already have a pending drop', async () => {
  const a = { entry: entry('a.csv', 1), sha256: sha('a') };
  const b = { entry: entry('b.csv', 2), sha256: sha('b') };
  await ledger.add('BRK001', [a, b], 'watch');
  await ledger.resolve('BRK001', sha('a'));
  expect(await ledger.hasPendingDrop('BRK001', [a.entry, b.entry, entry('c.csv', 3)])).toEqual([false, true, false]);
});
