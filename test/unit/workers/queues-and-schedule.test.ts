/**
 * The pure parts of the distributed run: job ids (stable, from participant and content hash; from
 * the book and the allocation's parameters), job data checked by zod (bad data fails for good),
 * the provisional run's repeat rule from the offering's hour (Hong Kong time), the end marker the
 * watcher looks for, and the Redis target from the options.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UnrecoverableError, type Job } from 'bullmq';
import { isTrailerLine } from '../../../src/ingest/end-marker';
import { readLastLine } from '../../../src/io/file-tail';
import { parseOffering } from '../../../src/offering/load-offering';
import { describeTarget, redisTargetOf } from '../../../src/workers/connection';
import { allocationJobIds, ingestJobId, ingestJobSchema, parseJobData } from '../../../src/workers/queues';
import { provisionalRepeat } from '../../../src/workers/scheduler';
import { sampleOffering, OFFERING_FILE } from '../refund/book-builders';
import { readFileSync } from 'node:fs';

const sha = 'ab'.repeat(32);

test('ingest job ids: participant and content hash, the n-th drop of the same bytes suffixed; no colon ever', () => {
  expect(ingestJobId('BRK001', sha)).toBe(`ingest.BRK001.${sha}`);
  expect(ingestJobId('BRK001', `${sha}.2`)).toBe(`ingest.BRK001.${sha}.2`);
  expect(ingestJobId('a:b', sha)).toBe(`ingest.x613a62.${sha}`);
});

test('allocation job ids depend on the book and every parameter, nothing else', () => {
  const a = { book: { work: '/w', offering: '/o.json', participants: '/p.csv' }, final_price: '3.85', seed: 's', reallocate_shares: null, ballot_policy: null, operator: 'ops' };
  const ids = allocationJobIds(a);
  expect(ids.allocate).toMatch(/^allocate\.[0-9a-f]{24}$/);
  expect(ids.export).toBe(ids.allocate.replace('allocate', 'export'));
  expect(allocationJobIds({ ...a, operator: 'someone else' })).toEqual(ids);
  for (const other of [{ ...a, seed: 't' }, { ...a, final_price: '3.86' }, { ...a, reallocate_shares: 1000 }, { ...a, book: { ...a.book, work: '/w2' } }]) {
    expect(allocationJobIds(other).allocate).not.toBe(ids.allocate);
  }
});

test('job data that does not parse fails the job for good, naming the field', () => {
  const job = { id: 'j1', queueName: 'ingest', data: { book: { work: 'relative', offering: '/o', participants: '/p' }, inbox: '/in', folder: 'BRK001', name: 'a.csv', sha256: sha, drop: sha, seq: 1 } } as unknown as Job;
  expect(() => parseJobData(ingestJobSchema, job)).toThrow(UnrecoverableError);
  expect(() => parseJobData(ingestJobSchema, job)).toThrow('job j1 of ingest: book.work must be an absolute path');
});

test('the provisional run: a cron rule at the offering\'s hour in Hong Kong time, or none', () => {
  const o = sampleOffering();
  expect(provisionalRepeat(o)).toBeNull();
  expect(provisionalRepeat({ ...o, timetable: { ...o.timetable, provisional_run_at: '22:00' } })).toEqual({ pattern: '0 0 22 * * *', tz: 'Asia/Hong_Kong' });
  expect(provisionalRepeat({ ...o, timetable: { ...o.timetable, provisional_run_at: '07:05:30' } })).toEqual({ pattern: '30 5 7 * * *', tz: 'Asia/Hong_Kong' });
  expect(provisionalRepeat(o, 1000)).toEqual({ every: 1000 });
});

test('the offering\'s provisional_run_at is a Hong Kong clock time', () => {
  const o = JSON.parse(readFileSync(OFFERING_FILE, 'utf8'));
  o.timetable.provisional_run_at = '21:30';
  expect(parseOffering(JSON.stringify(o)).timetable.provisional_run_at).toBe('21:30');
  o.timetable.provisional_run_at = '25:00';
  expect(() => parseOffering(JSON.stringify(o), 'o.json')).toThrow(/timetable\.provisional_run_at/);
});

test('the end marker: a file whose last non-blank line is a T record is complete', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tail-'));
  const file = (name: string, text: string) => { writeFileSync(path.join(dir, name), text); return path.join(dir, name); };
  expect(isTrailerLine(await readLastLine(file('a.csv', 'H,1\nD,x\nT,1,1000,4030.21\n')))).toBe(true);
  expect(isTrailerLine(await readLastLine(file('b.csv', 'H,1\r\nD,x\r\nT,1,1000,4030.21\r\n\r\n  \n')))).toBe(true);
  expect(isTrailerLine(await readLastLine(file('c.csv', 'H,1\nD,x\n')))).toBe(false);
  expect(isTrailerLine(await readLastLine(file('d.csv', 'H,1\nD,T\nT')))).toBe(true);
  expect(isTrailerLine(await readLastLine(file('e.csv', '')))).toBe(false);
  expect(isTrailerLine(await readLastLine(file('f.csv', `H,1\n${'D,' + 'x'.repeat(10_000)}\n`)))).toBe(false);
  expect(isTrailerLine(await readLastLine(path.join(dir, 'missing.csv')))).toBe(false);
});

test('the Redis target: --redis, then REDIS_URL, then 127.0.0.1; a password never shown', () => {
  expect(redisTargetOf({ redis: 'redis://:secret@10.0.0.5:6380/2', prefix: 'book1' })).toEqual({ url: 'redis://:secret@10.0.0.5:6380/2', prefix: 'book1' });
  expect(describeTarget({ url: 'redis://:secret@10.0.0.5:6380/2', prefix: 'book1' })).toBe('redis://10.0.0.5:6380/2 prefix "book1"');
  expect(() => redisTargetOf({ redis: 'http://x' })).toThrow('--redis "http://x" is not a URL such as redis://127.0.0.1:6379');
  expect(() => redisTargetOf({ prefix: 'a:b' })).toThrow(/--prefix "a:b"/);
});
