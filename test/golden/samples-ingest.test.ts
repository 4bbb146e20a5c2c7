/**
 * Golden case: the quick-start inbox (samples/inbox) through ingestInbox gives exactly the
 * acknowledgements in samples/expected/outbox, byte for byte.
 *
 * Expected files are regenerated only on purpose: `UPDATE_GOLDEN=1 npx jest test/golden/samples-ingest`
 * (then review the diff before committing).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingestInbox } from '../../src/pipeline/ingest';
import { loadOfferingFile, loadParticipantsFile } from '../../src/io/config-files';

const ROOT = path.join(__dirname, '../..');
const EXPECTED = path.join(ROOT, 'samples/expected/outbox');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  ).sort();
}

function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}:\n  expected: ${JSON.stringify(bl[i])}\n  actual:   ${JSON.stringify(al[i])}`;
  }
  return 'identical';
}

describe('samples: ingest golden acknowledgements', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'samples-ingest-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes the expected acknowledgements byte for byte', async () => {
    const inbox = path.join(tmp, 'inbox');
    const work = path.join(tmp, 'work');
    cpSync(path.join(ROOT, 'samples/inbox'), inbox, { recursive: true });
    const report = await ingestInbox({
      offering: loadOfferingFile(path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json')),
      participants: loadParticipantsFile(path.join(ROOT, 'samples/participants.csv')),
      inboxDir: inbox,
      workDir: work,
    });
    expect(report.files.length).toBeGreaterThan(10);
    const outbox = path.join(work, 'outbox');
    const actual = listFiles(outbox);
    if (UPDATE) {
      rmSync(EXPECTED, { recursive: true, force: true });
      for (const f of actual) {
        mkdirSync(path.dirname(path.join(EXPECTED, f)), { recursive: true });
        writeFileSync(path.join(EXPECTED, f), readFileSync(path.join(outbox, f)));
      }
    }
    expect(actual).toEqual(listFiles(EXPECTED));
    for (const f of actual) {
      const got = readFileSync(path.join(outbox, f), 'utf8');
      const want = readFileSync(path.join(EXPECTED, f), 'utf8');
      if (got !== want) throw new Error(`${f} differs at ${firstDifference(got, want)}`);
    }
    // The incomplete file waits in the inbox; the ignored entry is reported.
    expect(existsSync(path.join(inbox, 'INV001/pending.csv'))).toBe(true);
    expect(report.ignored).toEqual([{ entry: 'BRK001/notes.txt', reason: 'not a .csv file' }]);
    expect(report.totals.incomplete_files).toBe(1);
  });
});
