/**
 * Issue 9 part 4: `npm run bench` times the BullMQ mode with 1 and 2 worker processes (each on a
 * redis-server of its own, started by the benchmark from the binary on the PATH) and checks that
 * its allocation is the embedded run's. A tiny book; no timing is asserted. Runs the compiled
 * benchmark (dist/, built by `npm test`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cleanTemps, ROOT, tempDir } from './harness';

jest.setTimeout(180_000);
afterAll(cleanTemps);

const bench = (dir: string, steps: string) => spawnSync(process.execPath, [path.join(ROOT, 'dist/bench/pipeline-bench.js'), '--instructions', '300', '--dir', dir, '--steps', steps], { encoding: 'utf8' });
const rows = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('| '));
/** The command lines of the running processes that match. */
const running = (what: RegExp) => spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => what.test(l));

describe('npm run bench: the BullMQ modes', () => {
  let dir: string;
  beforeAll(() => { dir = tempDir('bench-bullmq'); });

  it('times watch + 1 and + 2 workers and finds their allocation identical to run\'s', () => {
    const r = bench(dir, 'floor,run,bullmq1,bullmq2');
    expect(r.stderr).not.toContain('failed');
    expect(r.status).toBe(0);
    const table = rows(r.stdout);
    expect(table.map((l) => l.split(' | ')[0])).toEqual(['| step', '| floor: bare csv-parse of the D lines, one thread', '| run (ingest, lists closed, then allocate)', '| BullMQ, 1 worker process', '| BullMQ, 2 worker processes']);
    expect(table[3]).toMatch(/^\| BullMQ, 1 worker process \| [0-9.]+ s \| [0-9,]+ \| [0-9,]+ MB \| [0-9.]+ \| [0-9.]+ [0-9.]+ [0-9.]+ \|$/);
    expect(table[4]).toMatch(/^\| BullMQ, 2 worker processes \| [0-9.]+ s \| [0-9,]+ \| [0-9,]+ MB \| [0-9.]+ \|/);
    expect(r.stdout).toMatch(/^- BullMQ, 1 worker process: peak RSS of the worker processes [0-9,]+ MB; watch --once [0-9,]+ MB, close --wait [0-9,]+ MB; Redis used_memory_peak [0-9,]+ MB, used_memory_rss [0-9,]+ MB; jobs done: the last ingest at [0-9.]+ s, allocate at [0-9.]+ s, export at [0-9.]+ s; allocation identical to the run step's \(7 files, sha256 in manifest.json\)$/m);
    expect(r.stdout).toMatch(/^- BullMQ, 2 worker processes: peak RSS of the worker processes [0-9,]+ MB, [0-9,]+ MB; .*; allocation identical to the run step's \(7 files/m);
    // The largest worker's peak is the row's.
    const workers = /^- BullMQ, 2 worker processes: peak RSS of the worker processes ([0-9,]+) MB, ([0-9,]+) MB/m.exec(r.stdout)!.slice(1).map((x) => Number(x.replace(/,/g, '')));
    expect(table[4]).toContain(`| ${Math.max(...workers).toLocaleString('en-US')} MB |`);
    // Nothing left running: neither its redis-servers nor its watch, worker or close processes.
    const ports = [...r.stderr.matchAll(/Redis redis:\/\/127\.0\.0\.1:(\d+)\)/g)].map((m) => m[1]!);
    expect(ports).toHaveLength(2);
    expect(running(/redis-server|ccass-batch/).filter((l) => l.includes(dir) || ports.some((p) => l.includes(`:${p}`)))).toEqual([]);
  });

  it('without the run step, compares with the run kept from the earlier bench; a difference fails the bench', () => {
    const again = bench(dir, 'floor,bullmq1');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('allocation identical to the run of an earlier bench (run-allocation-manifest.json in the book\'s folder) (7 files');
    // Another allocation kept as the reference: the mode's no longer matches it.
    const kept = path.join(dir, 'book-300-bench', 'run-allocation-manifest.json');
    const manifest = JSON.parse(readFileSync(kept, 'utf8')) as { files: { name: string; sha256: string }[] };
    manifest.files[2]!.sha256 = '0'.repeat(64);
    writeFileSync(kept, JSON.stringify(manifest));
    const differs = bench(dir, 'floor,bullmq1');
    expect(differs.status).toBe(1);
    expect(differs.stdout).toMatch(/; ALLOCATION DIFFERS from the run of an earlier bench \(run-allocation-manifest.json in the book's folder\): refunds.csv$/m);
    expect(differs.stderr).toContain('bench: a BullMQ mode wrote another allocation than the embedded run');
  });
});
