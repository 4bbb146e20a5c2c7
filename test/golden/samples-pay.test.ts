/**
 * Golden case `test/golden/samples-pay/` (see its README.md): the quick-start book (npm start's
 * arguments over samples/inbox), then `ccass-batch pay` with fixed options, twice: per instruction
 * and batched per participant. Every file of each run's output folder and the issuance events
 * must equal expected/ byte for byte.
 *
 * Regenerated only on purpose, the diff reviewed in the commit:
 *   UPDATE_GOLDEN=1 npx jest test/golden/samples-pay.test.ts
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareTrees, copyInbox, readTree, ROOT, runCli, startScriptArgs, tempDir } from '../unit/refund/cli-harness';
import { xmllintSchema } from '../unit/treasury/xmllint';

const EXPECTED = path.join(ROOT, 'test/golden/samples-pay/expected');
const OPTIONS = ['--debtor-account', '004-500-123456789', '--debtor-name', 'Registrar Refund Account', '--created-at', '2021-12-28T17:30:00+08:00', '--cheque-start', '000101'];

describe('golden: pay on the sample book', () => {
  test.each([['per-instruction', []], ['per-participant', ['--batch-by', 'participant', '--debtor-agent', 'HSBCHKHHHKH']]])('%s: every file matches expected/ byte for byte', async (name, extra) => {
    const work = tempDir('golden-pay-work');
    const inbox = tempDir('golden-pay-inbox');
    const out = path.join(tempDir('golden-pay-out'), name);
    copyInbox(path.join(ROOT, 'samples/inbox'), inbox);
    expect((await runCli(startScriptArgs({ work, inbox }))).code).toBe(0);
    const r = await runCli(['pay', '--work', work, '--out', out, ...OPTIONS, ...extra]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(xmllintSchema(path.join(out, 'pain001-2021-12-29.xml'))).toMatchObject({ ok: true });
    const actual = readTree(out);
    actual.set('treasury/runs/0001/events.csv', readFileSync(path.join(work, 'treasury/runs/0001/events.csv')));
    actual.set('stdout.txt', Buffer.from(r.stdout.replace(out, `<out>/${name}`)));
    const expectedDir = path.join(EXPECTED, name);
    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(expectedDir, { recursive: true, force: true });
      for (const [file, bytes] of actual) {
        mkdirSync(path.dirname(path.join(expectedDir, file)), { recursive: true });
        writeFileSync(path.join(expectedDir, file), bytes);
      }
    }
    expect(actual.size).toBe(7);
    expect(compareTrees(actual, readTree(expectedDir))).toEqual([]);
    for (const dir of [work, inbox, path.dirname(out)]) rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
