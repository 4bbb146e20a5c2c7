/**
 * The nightly provisional run and what operators read (issue 7, items 4 and 5):
 * - the job scheduler is set from the offering's `timetable.provisional_run_at`, in Hong Kong time;
 * - with a short interval (`--provisional-every`), a worker writes provisional/<date>/summary.json:
 *   the figures of the book so far, the basis table the default policy gives (the final run's);
 * - `status --redis` shows queue depths, the workers seen and the last provisional run, and writes
 *   the same as Prometheus text; once the book is allocated the scheduler is removed.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parse } from 'csv-parse/sync';
import { provisionalSchedulerId } from '../../src/workers/queues';
import {
  ackCount, bookArgs, cluster, dropPrefix, freshBook, killAll, logLines, OFFERING, ROOT, runCli, start, tempDir, until, cleanTemps,
} from './harness';

jest.setTimeout(120_000);
afterEach(killAll);
afterAll(cleanTemps);

const SAMPLES = path.join(ROOT, 'samples/inbox');

test('the scheduler runs at the offering\'s hour, Hong Kong time; without an hour there is none', async () => {
  const offering = path.join(tempDir('offering'), 'offering.json');
  const o = JSON.parse(readFileSync(OFFERING, 'utf8'));
  o.timetable.provisional_run_at = '22:00';
  writeFileSync(offering, JSON.stringify(o));
  const book = { ...freshBook('hour', SAMPLES), offering };
  const c = cluster('hour', book);
  const queue = new Queue('provisional', { connection: { url: c.url }, prefix: c.prefix });
  try {
    const before = Date.now();
    const w = await start(['watch', ...c.redisArgs, ...bookArgs(book), '--inbox', book.inbox, '--once', '--log', path.join(c.logs, 'w.log')]).done;
    expect(w.code).toBe(0);
    const s = (await queue.getJobScheduler(provisionalSchedulerId(book.work)))!;
    expect([s.pattern, s.tz]).toEqual(['0 0 22 * * *', 'Asia/Hong_Kong']);
    // The next 22:00 in Hong Kong (UTC+8, no summer time) is 14:00 UTC, within the coming day.
    const next = new Date(Number(s.next));
    expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([14, 0, 0]);
    expect(Number(s.next)).toBeGreaterThan(before);
    expect(Number(s.next) - before).toBeLessThanOrEqual(24 * 3600_000);
    // The offering without an hour: the scheduler is removed.
    const plain = { ...book, offering: OFFERING };
    const redis = new Redis(c.url);
    await redis.del(`${c.prefix}:ccass:book`); // the registration names the other offering file
    redis.disconnect();
    const again = await start(['watch', ...c.redisArgs, ...bookArgs(plain), '--inbox', book.inbox, '--once', '--log', path.join(c.logs, 'w2.log')]).done;
    expect(again.code).toBe(0);
    expect(await queue.getJobScheduler(provisionalSchedulerId(book.work))).toBeUndefined();
  } finally {
    await queue.close();
    await dropPrefix(c.url, c.prefix);
  }
});

test('provisional runs write the book so far; status --redis and Prometheus show the run; allocated, the scheduler stops', async () => {
  const book = freshBook('provisional', SAMPLES);
  const c = cluster('provisional', book);
  try {
    c.startWatcher(['--provisional-every', '1000']);
    c.startWorker();
    await until('13 acks', () => ackCount(book.work) >= 13);
    // A run after every file was judged.
    const since = Date.now();
    await until('a provisional run after the acks', () => logLines(c).some((l) => l.msg === 'provisional run written' && Date.parse(String(l.run_at)) > since + 100), 30_000);
    const dates = readdirSync(path.join(book.work, 'provisional'));
    expect(dates).toHaveLength(1);
    const s = JSON.parse(readFileSync(path.join(book.work, 'provisional', dates[0]!, 'summary.json'), 'utf8'));
    // The Hong Kong date of the run.
    expect(s.date).toBe(new Date(Date.parse(s.run_at) + 8 * 3600_000).toISOString().slice(0, 10));
    expect(dates[0]).toBe(s.date);
    expect(s).toMatchObject({
      provisional: true, book_state: 'open', files_accepted: 8, instructions: { accepted: 48, rejected: 25 }, valid_applications: 44, multiple_applications: 4,
      subscription_multiple: '1.75', clawback: null, hong_kong_tranche_shares: 150_000_000,
    });
    expect(s.demand).toHaveLength(48);
    expect(s.demand.reduce((n: number, d: { demand_shares: number }) => n + d.demand_shares, 0)).toBe(s.demand_shares);
    expect(s.demand.reduce((n: number, d: { valid_applications: number }) => n + d.valid_applications, 0)).toBe(44);
    expect(s.demand.find((d: { shares_applied: number }) => d.shares_applied === 1_000_000).pool).toBe('A');
    expect(s.demand.find((d: { shares_applied: number }) => d.shares_applied === 2_000_000).pool).toBe('B');
    // The basis table is the one the final allocation writes (samples/expected).
    const expected = parse(readFileSync(path.join(ROOT, 'samples/expected/allocation/basis-of-allocation.csv')), { columns: true, cast: (v, ctx) => (['shares_applied', 'valid_applications'].includes(String(ctx.column)) ? Number(v) : v) });
    const columns = ['pool', 'shares_applied', 'valid_applications', 'basis', 'approx_pct_allotted'] as const;
    const pick = (r: Record<string, unknown>) => Object.fromEntries(columns.map((c) => [c, r[c]]));
    expect(s.basis.rows.map(pick)).toEqual((expected as Record<string, unknown>[]).map(pick));

    const prom = path.join(tempDir('prom'), 'ccass.prom');
    const st = await runCli(['status', '--work', book.work, ...c.redisArgs, '--prometheus', prom]);
    expect(st.code).toBe(0);
    expect(st.stdout).toContain('queue ingest      waiting 0, active 0, delayed 0, failed 0, completed 13');
    expect(st.stdout).toContain('files queued, not judged yet: 0 (0 participant(s))');
    expect(st.stdout).toMatch(/^workers seen: 2 alive \(heard of in the last 30 s\), 0 stopped or silent in the last day$/m);
    expect(st.stdout).toMatch(new RegExp(`^last provisional run: ${s.date} \\(at .*\\): 44 valid applications, 1\\.75x; ${book.work}/provisional/${s.date}/summary\\.json$`, 'm'));
    expect(st.stdout).toMatch(/^next provisional run: .* \(every 1000 ms\)$/m);
    const text = readFileSync(prom, 'utf8');
    expect(text).toContain(`ccass_queue_jobs{prefix="${c.prefix}",queue="ingest",state="completed"} 13`);
    expect(text).toContain(`ccass_book_state{prefix="${c.prefix}",state="open"} 1`);
    expect(text).toContain(`ccass_valid_applications{prefix="${c.prefix}"} 44`);
    expect(text).toContain(`ccass_workers_alive{prefix="${c.prefix}"} 2`);
    expect(text.split('\n').filter((l) => l.startsWith('# TYPE')).length).toBe(new Set(text.split('\n').filter((l) => l.startsWith('# TYPE'))).size);
    const json = JSON.parse((await runCli(['status', '--work', book.work, ...c.redisArgs, '--json'])).stdout);
    expect(json.redis.queues.ingest.completed).toBe(13);
    expect(json.redis.workers.map((w: { command: string }) => w.command).sort()).toEqual(['watch', 'worker']);

    expect((await c.close('3.85', 'samples-2021')).code).toBe(0);
    await until('the scheduler removed', () => logLines(c).some((l) => l.msg === 'book final: no more provisional runs'), 30_000);
    const after = await runCli(['status', '--work', book.work, ...c.redisArgs]);
    expect(after.stdout).not.toContain('next provisional run');
    expect(existsSync(path.join(book.work, 'provisional', s.date, 'summary.json'))).toBe(true);
    await c.stopAll();
  } finally {
    await killAll();
    await dropPrefix(c.url, c.prefix);
  }
});
