/**
 * Determinism (spec: outputs.md, last paragraph): the same files in another order, under other
 * names, give byte-identical outputs; and `verify` confirms a run and finds a tampered file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareTrees, copyInbox, OFFERING, PARTICIPANTS, readTree, ROOT, runCli, startScriptArgs, tempDir } from './unit/refund/cli-harness';

const SAMPLE_INBOX = path.join(ROOT, 'samples/inbox');

async function runOn(shuffle: boolean): Promise<string> {
  const work = tempDir('det-work');
  const inbox = tempDir('det-inbox');
  expect(copyInbox(SAMPLE_INBOX, inbox, shuffle)).toBeGreaterThan(0);
  const r = await runCli(startScriptArgs({ work, inbox }));
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return work;
}

describe('allocation outputs are deterministic', () => {
  test('files dropped in another order under other names: byte-identical allocation outputs', async () => {
    const a = await runOn(false);
    const b = await runOn(true);
    const first = readTree(path.join(a, 'allocation'));
    expect(first.size).toBe(8);
    expect(compareTrees(readTree(path.join(b, 'allocation')), first)).toEqual([]);
  });

  test('verify: exit 0 on the run, exit 1 naming a tampered file', async () => {
    const work = await runOn(true);
    const args = ['verify', '--work', work, '--offering', OFFERING, '--participants', PARTICIPANTS];
    const ok = await runCli(args);
    expect(ok.code).toBe(0);
    const results = path.join(work, 'allocation/results.csv');
    writeFileSync(results, readFileSync(results, 'utf8').replace(',ALLOTTED,', ',UNSUCCESSFUL,'));
    const bad = await runCli(args);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^DIFFERS results\.csv$/m);
    expect(bad.stdout).toMatch(/^MATCH   summary\.json$/m);
  });
});
