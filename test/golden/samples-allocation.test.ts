/**
 * The quick-start book is a golden case: `npm start` (its exact arguments, read from package.json)
 * run over a copy of samples/inbox must write into <work>/allocation/ exactly the files in
 * samples/expected/allocation/, byte for byte.
 *
 * The expected files are regenerated only on purpose:
 *   UPDATE_GOLDEN=1 npx jest test/golden/samples-allocation.test.ts
 * and the diff is reviewed in the commit (docs/formats-output.md).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareTrees, copyInbox, readTree, ROOT, runCli, startScriptArgs, tempDir } from '../unit/refund/cli-harness';

const SAMPLE_INBOX = path.join(ROOT, 'samples/inbox');
const EXPECTED = path.join(ROOT, 'samples/expected/allocation');

describe('golden: samples/ through npm start', () => {
  test('every allocation output matches samples/expected/allocation byte for byte', async () => {
    const work = tempDir('golden-work');
    const inbox = tempDir('golden-inbox');
    expect(copyInbox(SAMPLE_INBOX, inbox)).toBeGreaterThan(0);
    const r = await runCli(startScriptArgs({ work, inbox }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid applications: [1-9]/);
    const actual = readTree(path.join(work, 'allocation'));
    expect(actual.size).toBe(8);

    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(EXPECTED, { recursive: true, force: true });
      mkdirSync(EXPECTED, { recursive: true });
      for (const [name, bytes] of actual) writeFileSync(path.join(EXPECTED, name), bytes);
    }
    expect(readdirSync(EXPECTED).length).toBe(8);
    expect(compareTrees(actual, readTree(EXPECTED))).toEqual([]);
  });
});
