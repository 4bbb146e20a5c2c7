/**
 * Issue 9: `npm run bench` runs end to end on a tiny book (no timing is asserted: figures are for
 * docs/performance.md, measured by hand). Runs the compiled benchmark (dist/, built by `npm test`).
 * The steps that need Redis (bullmq1, bullmq2) are left out here: test/redis/bench-bullmq.redis.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

jest.setTimeout(120_000);
const ROOT = path.join(__dirname, '..');

describe('npm run bench', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(path.join(tmpdir(), 'bench-command-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates the book once, times every step as a child and prints the table', () => {
    const run = () => spawnSync(process.execPath, [path.join(ROOT, 'dist/bench/pipeline-bench.js'), '--instructions', '300', '--dir', dir, '--steps', 'floor,ingest,allocate,run'], { encoding: 'utf8' });
    const first = run();
    expect(first.status).toBe(0);
    const rows = first.stdout.split('\n').filter((l) => l.startsWith('| '));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual([
      '| step', '| floor: bare csv-parse of the D lines, one thread', '| ingest', '| allocate', '| run (ingest, lists closed, then allocate)',
    ]);
    expect(rows[1]).toMatch(/^\| floor: .* \| [0-9.]+ s \| [0-9,]+ \| [0-9,]+ MB \| 1\.00 \|/);
    expect(rows[2]).toMatch(/^\| ingest \| [0-9.]+ s \| [0-9,]+ \| [0-9,]+ MB \| [0-9.]+ \|/);
    expect(first.stdout).toMatch(/^machine: .*, \d+ cores/m);
    expect(first.stdout).toMatch(/^book: 300 instructions in \d+ files .* generated in/m);
    expect(first.stdout).toMatch(/^store: [0-9.]+ MB, \d+ bytes an instruction/m);
    expect(first.stderr).toContain('bench: ingest: ');
    // The book is kept for the next run; the work folders are not.
    const again = run();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('kept from an earlier run');
    expect(readdirSync(dir)).toEqual(['book-300-bench']);
    expect(existsSync(path.join(dir, 'book-300-bench/manifest.json'))).toBe(true);
    // The run step's allocation manifest is kept beside the book (the BullMQ modes' reference).
    expect(readdirSync(path.join(dir, 'book-300-bench')).sort()).toEqual(['inbox', 'manifest.json', 'participants.csv', 'planted.csv', 'run-allocation-manifest.json']);
  });

  it('--rounds: the floor and the steps in turns, each ratio to its own round\'s floor, medians and ranges', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/bench/pipeline-bench.js'), '--dir', dir, '--steps', 'floor,ingest', '--rounds', '3', '300'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| '));
    expect(rows.map((x) => x.split(' | ')[0])).toEqual(['| step', '| floor: bare csv-parse of the D lines, one thread', '| ingest']);
    expect(rows[1]).toMatch(/^\| floor: .* \| [0-9.]+ s \([0-9.]+-[0-9.]+\) \| [0-9,]+ \| [0-9,]+ MB \| 1\.00 \(1\.00-1\.00\) \|/);
    const ingest = /^\| ingest \| ([0-9.]+) s \(([0-9.]+)-([0-9.]+)\) \| [0-9,]+ \| [0-9,]+ MB \| ([0-9.]+) \(([0-9.]+)-([0-9.]+)\) \|/.exec(rows[2]!);
    expect(ingest).not.toBeNull();
    const [median, low, high, ratio, ratioLow, ratioHigh] = ingest!.slice(1).map(Number);
    expect(low! <= median! && median! <= high!).toBe(true);
    expect(ratioLow! <= ratio! && ratio! <= ratioHigh!).toBe(true);
    expect(r.stdout).toContain('3 rounds in turns: the median of the rounds');
    expect(r.stderr.match(/^bench: round \d of 3$/gm)).toEqual(['bench: round 1 of 3', 'bench: round 2 of 3', 'bench: round 3 of 3']);
    expect(r.stderr.match(/^bench: ingest: /gm)).toHaveLength(3);
    // The bare 300 is the number of instructions, the 3 of --rounds is not.
    expect(r.stdout).toMatch(/^book: 300 instructions/m);
  });

  it('refuses a number of rounds that is not 1 to 99', () => {
    for (const rounds of ['0', 'two', '100']) {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/bench/pipeline-bench.js'), '--instructions', '300', '--dir', dir, '--steps', 'floor', '--rounds', rounds], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`--rounds "${rounds}" must be a whole number from 1 to 99`);
    }
  });

  it('refuses unknown steps and a list without the floor', () => {
    for (const steps of ['floor,bullmq3', 'run,bullmq1']) {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/bench/pipeline-bench.js'), '--instructions', '300', '--dir', dir, '--steps', steps], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('--steps: a list of floor, ingest, allocate, run, bullmq1, bullmq2, the floor included');
    }
  });
});
