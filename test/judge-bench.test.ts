/**
 * `node dist/bench/judge-bench.js`: the judging thread's steps over an inbox's first files, in
 * process (no timing is asserted: figures are for docs/performance.md). Runs the compiled
 * benchmark (dist/, built by `npm test`) on the sample inbox: BRK001's day1, day2 and day3 hold
 * 14, 6 and 2 D records, each after a well-formed header.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const bench = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist/bench/judge-bench.js'), ...args], { encoding: 'utf8' });

describe('judge-bench', () => {
  it.each(['parse', 'rules', 'all'])('counts every D record of the files read (stage %s) and prints the time a record', (stage) => {
    const r = bench(path.join(ROOT, 'samples/inbox'), '--files', '3', '--stage', stage);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^judge ${stage}: 3 files, 22 records a round; us a record: fastest [0-9]+\\.[0-9]{2}, median [0-9]+\\.[0-9]{2}\\n$`));
  });

  it('with --parts also builds and packs each file\'s part of the compact book: every record of the six rounds packed', () => {
    const r = bench(path.join(ROOT, 'samples/inbox'), '--files', '3', '--parts');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^judge all with parts \(132 instructions packed\): 3 files, 22 records a round; us a record: fastest [0-9]+\.[0-9]{2}, median [0-9]+\.[0-9]{2}\n$/);
  });

  it('says how it is used when no inbox is named (exit 1)', () => {
    const r = bench();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^judge-bench: usage: judge-bench INBOX .*\[--parts\]\n$/);
  });
});
