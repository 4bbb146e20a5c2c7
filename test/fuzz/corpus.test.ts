/**
 * The kept corpus of crashers (issue 8, item 9; as moov-io/ach keeps its crashers): every input
 * that once crashed, hung, leaked or blocked ingest, run through the real pipeline with another
 * participant's ordinary file beside it. See test/fuzz/corpus/README.md.
 *
 *  - test/fuzz/corpus/<kind>--<OUTCOME>.csv: a file dropped in inbox/BRK001/; OUTCOME is the
 *    file-level reason code, or ACCEPTED (every record accepted), or REJECTED (file accepted,
 *    some records rejected). The crashers that were gigabytes are kept at the scale of the
 *    corpus limits below (the full sizes: `npm run fuzz:long`).
 *  - RECIPES below: crashers that cannot be kept as a file in git (races, FIFOs, names, sparse
 *    files), made at test time, named the same way.
 *
 * For each: the expected outcome, the neighbour processed, the run not stopped, and no
 * acknowledgement or log line carrying the planted identity number.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { ingestInbox, IngestOptions, IngestReport } from '../../src/pipeline/ingest';
import { createLogger } from '../../src/io/log';
import type { InboxFile } from '../../src/io/inbox';
import { dLine, fileText, hLine, offering, participants } from '../unit/validate/fixture';

const CORPUS = path.join(__dirname, 'corpus');
/** The corpus runs under small limits so that each crasher keeps its shape at a few kilobytes. */
const LIMITS = { max_file_bytes: 65536, max_line_bytes: 4096, max_field_bytes: 1024, max_records: 100 };
/** The identity numbers planted in the corpus files (an HKID as written and normalised, a BR number). */
const PLANTED = ['A123456(3)', 'A1234563', '12345678'];

let tmp: string;
let inbox: string;
let work: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'corpus-'));
  inbox = path.join(tmp, 'inbox');
  work = path.join(tmp, 'work');
  mkdirSync(path.join(inbox, 'BRK001'), { recursive: true });
  mkdirSync(path.join(inbox, 'BRK002'), { recursive: true });
  writeFileSync(path.join(inbox, 'BRK002/neighbour.csv'), fileText([dLine({ ref: 'N1' })], hLine('BRK002')));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

async function ingest(extra: Partial<IngestOptions> = {}): Promise<{ report: IngestReport; log: string }> {
  let log = '';
  const sink = new Writable({ write(chunk, _enc, done) { log += String(chunk); done(); } });
  const report = await ingestInbox({
    offering: { ...offering, ingest_limits: LIMITS }, participants, inboxDir: inbox, workDir: work, closeLists: true, logger: createLogger(sink), ...extra,
  });
  return { report, log };
}

function everyAck(): string {
  const out: string[] = [];
  for (const folder of readdirSync(path.join(work, 'outbox'))) for (const name of readdirSync(path.join(work, 'outbox', folder))) out.push(readFileSync(path.join(work, 'outbox', folder, name), 'utf8'));
  return out.join('\n');
}

function expectNeighbourAndNoLeak(report: IngestReport, log: string): void {
  expect(report.files.find((f) => f.folder === 'BRK002')).toMatchObject({ outcome: 'ACCEPTED', accepted: 1 });
  const everything = `${everyAck()}\n${log}\n${JSON.stringify(report)}`;
  for (const id of PLANTED) expect(everything.includes(id) ? id : null).toBeNull();
}

const files = readdirSync(CORPUS).filter((n) => n.endsWith('.csv')).sort();

describe('corpus files', () => {
  it('holds the crashers of issue 8', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)('%s', async (name) => {
    const outcome = name.slice(name.lastIndexOf('--') + 2, -'.csv'.length);
    copyFileSync(path.join(CORPUS, name), path.join(inbox, 'BRK001', name));
    const { report, log } = await ingest();
    const f = report.files.find((r) => r.file_name === name)!;
    if (outcome === 'ACCEPTED') expect(f).toMatchObject({ outcome: 'ACCEPTED', rejected: 0 });
    else if (outcome === 'REJECTED') expect(f.outcome === 'ACCEPTED' && f.rejected > 0).toBe(true);
    else expect([f.outcome, f.reason_code]).toEqual(['FILE_REJECTED', outcome]);
    expectNeighbourAndNoLeak(report, log);
  });

  it('all of them in one inbox: one run, every file answered, the neighbour processed', async () => {
    for (const name of files) copyFileSync(path.join(CORPUS, name), path.join(inbox, 'BRK001', name));
    const { report, log } = await ingest();
    expect(report.files.filter((f) => f.folder === 'BRK001').map((f) => f.file_name).sort()).toEqual(files);
    expect(report.files.every((f) => f.outcome !== 'INCOMPLETE')).toBe(true);
    expectNeighbourAndNoLeak(report, log);
  });
});

interface Recipe {
  name: string;
  /** Makes the crasher in inbox/BRK001 (before the run, or between the scan and the read via beforeParse of an earlier file). */
  make: (dir: string) => void;
  race?: (dir: string) => void;
  expect: { ignored: string } | { code: string };
}

const ORDINARY = () => fileText([dLine({ ref: 'O1' })]);
const RECIPES: Recipe[] = [
  { name: 'race-symlink-to-proc-environ--IGNORED', make: (d) => writeFileSync(path.join(d, 'x.csv'), ORDINARY()), race: (d) => { unlinkSync(path.join(d, 'x.csv')); symlinkSync('/proc/self/environ', path.join(d, 'x.csv')); }, expect: { ignored: 'symbolic link (replaced after the inbox was scanned)' } },
  { name: 'race-fifo--IGNORED', make: (d) => writeFileSync(path.join(d, 'x.csv'), ORDINARY()), race: (d) => { unlinkSync(path.join(d, 'x.csv')); execFileSync('mkfifo', [path.join(d, 'x.csv')]); }, expect: { ignored: 'not a regular file (replaced after the inbox was scanned)' } },
  // The other file exists alongside until the swap, so it cannot reuse the scanned inode's number.
  { name: 'race-replaced-by-another-file--IGNORED', make: (d) => { writeFileSync(path.join(d, 'x.csv'), ORDINARY()); writeFileSync(path.join(d, 'other.txt'), 'A123456(3)\n'); }, race: (d) => renameSync(path.join(d, 'other.txt'), path.join(d, 'x.csv')), expect: { ignored: 'replaced after the inbox was scanned (taken on the next run)' } },
  { name: 'symlink-at-scan--IGNORED', make: (d) => symlinkSync('/etc/passwd', path.join(d, 'x.csv')), expect: { ignored: 'symbolic link' } },
  { name: 'fifo-at-scan--IGNORED', make: (d) => execFileSync('mkfifo', [path.join(d, 'x.csv')]), expect: { ignored: 'not a regular file' } },
  { name: 'name-78-cjk-characters--IGNORED', make: (d) => writeFileSync(path.join(d, `${'陳'.repeat(76)}.csv`), ORDINARY()), expect: { ignored: 'name longer than 200 bytes (its acknowledgement could not be stored)' } },
  { name: 'name-255-bytes--IGNORED', make: (d) => writeFileSync(path.join(d, `${'a'.repeat(251)}.csv`), ORDINARY()), expect: { ignored: 'name longer than 200 bytes (its acknowledgement could not be stored)' } },
  { name: 'name-not-utf8--IGNORED', make: (d) => writeFileSync(Buffer.concat([Buffer.from(`${d}/x`), Buffer.from([0xff]), Buffer.from('.csv')]), ORDINARY()), expect: { ignored: 'name is not UTF-8' } },
  { name: 'name-with-line-end--IGNORED', make: (d) => writeFileSync(path.join(d, 'x\n.csv'), ORDINARY()), expect: { ignored: 'name contains a control character' } },
  { name: 'sparse-1-gib--FILE_TOO_LARGE', make: (d) => { writeFileSync(path.join(d, 'x.csv'), ''); truncateSync(path.join(d, 'x.csv'), 1024 ** 3); }, expect: { code: 'FILE_TOO_LARGE' } },
];

describe('corpus recipes (crashers that cannot be kept as files)', () => {
  it.each(RECIPES.map((r) => [r.name, r] as const))('%s', async (_name, recipe) => {
    const dir = path.join(inbox, 'BRK001');
    // An earlier file whose parse is the moment of the race.
    writeFileSync(path.join(dir, '0-first.csv'), fileText([dLine({ ref: 'F1' })], hLine('BRK001', 'CLEARING', '9')));
    recipe.make(dir);
    const beforeParse = (f: InboxFile) => { if (f.name === '0-first.csv') recipe.race?.(dir); };
    const { report, log } = await ingest({ beforeParse });
    if ('ignored' in recipe.expect) {
      expect(report.ignored.map((e) => e.reason).filter((r) => r !== 'not a .csv file')).toEqual([recipe.expect.ignored]);
      expect(report.files.map((f) => f.file_name).sort()).toEqual(['0-first.csv', 'neighbour.csv']);
    } else {
      expect(report.files.find((f) => f.file_name === 'x.csv')).toMatchObject({ outcome: 'FILE_REJECTED', reason_code: recipe.expect.code });
    }
    expectNeighbourAndNoLeak(report, log);
  });
});
