/**
 * Issue 9: `npm run bench` runs end to end on a tiny book (no timing is asserted: figures are for
 * docs/performance.md, measured by hand). Runs the compiled benchmark (dist/, built by `npm test`).
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
    const run = () => spawnSync(process.execPath, [path.join(ROOT, 'dist/bench/pipeline-bench.js'), '--instructions', '300', '--dir', dir], { encoding: 'utf8' });
    const first = run();
    expect(first.status).toBe(0);
    const rows = first.stdout.split('\n').filter((l) => l.startsWith('| '));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual([
      '| step', '| floor: bare csv-parse of the D lines, one thread', '| ingest', '| allocate', '| run (ingest, lists closed, then allocate)', '| BullMQ, 1 worker process', '| BullMQ, 2 worker processes',
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
  });
});
