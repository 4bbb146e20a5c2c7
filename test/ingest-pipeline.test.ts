/**
 * ingestInbox over real folders: idempotence, a crash after the store commit, DUPLICATE_FILE,
 * BOOK_CLOSED, quarantine and the inbox rules.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingestInbox, IngestOptions } from '../src/pipeline/ingest';
import { readStoredInstructions, listStoredFiles } from '../src/io/store';
import { dLine, fileText, hLine, offering, participants } from './unit/validate/fixture';

const ROOT = path.join(__dirname, '..');
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ingest-pipeline-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function tree(dir: string, prefix = ''): Record<string, string> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, tree(p, `${prefix}${e.name}/`));
    else out[`${prefix}${e.name}`] = readFileSync(p, 'utf8');
  }
  return out;
}

const opts = (inbox: string, work: string, extra: Partial<IngestOptions> = {}): IngestOptions => ({ offering, participants, inboxDir: inbox, workDir: work, ...extra });
const drop = (inbox: string, rel: string, text: string | Buffer) => {
  mkdirSync(path.dirname(path.join(inbox, rel)), { recursive: true });
  writeFileSync(path.join(inbox, rel), text);
};

/** The samples ingested whole (`clean`), and again (`crashed`) stopped right after the second commit. */
async function cleanAndCrashedAfterSecondCommit(): Promise<{ clean: string; crashed: string }> {
  const clean = path.join(tmp, 'clean');
  cpSync(path.join(ROOT, 'samples/inbox'), path.join(clean, 'inbox'), { recursive: true });
  await ingestInbox(opts(path.join(clean, 'inbox'), path.join(clean, 'work')));
  const crashed = path.join(tmp, 'crashed');
  cpSync(path.join(ROOT, 'samples/inbox'), path.join(crashed, 'inbox'), { recursive: true });
  let n = 0;
  await expect(ingestInbox(opts(path.join(crashed, 'inbox'), path.join(crashed, 'work'), {
    afterCommit: () => {
      if (++n === 2) throw new Error('simulated crash');
    },
  }))).rejects.toThrow('simulated crash');
  return { clean, crashed };
}

describe('ingestInbox', () => {
  it('processing the samples twice changes nothing the second time', async () => {
    const inbox = path.join(tmp, 'inbox');
    const work = path.join(tmp, 'work');
    cpSync(path.join(ROOT, 'samples/inbox'), inbox, { recursive: true });
    await ingestInbox(opts(inbox, work));
    const first = { outbox: tree(path.join(work, 'outbox')), store: tree(path.join(work, 'store')) };
    const again = await ingestInbox(opts(inbox, work));
    expect(again.files.map((f) => f.outcome)).toEqual(['INCOMPLETE']);
    expect({ outbox: tree(path.join(work, 'outbox')), store: tree(path.join(work, 'store')) }).toEqual(first);
    expect(tree(path.join(work, 'claims'))).toEqual({});
  });

  it('a crash after the store commit, then a rerun, gives the same store and acks as no crash', async () => {
    const { clean, crashed } = await cleanAndCrashedAfterSecondCommit();
    expect(existsSync(path.join(crashed, 'inbox/BRK001/day2.csv'))).toBe(true);
    const rerun = await ingestInbox(opts(path.join(crashed, 'inbox'), path.join(crashed, 'work')));
    expect(rerun.files.find((f) => f.file_name === 'day2.csv' && f.folder === 'BRK001')).toMatchObject({ outcome: 'ACCEPTED', recovered: true });
    for (const sub of ['outbox', 'store', 'processed', 'quarantine']) {
      expect(tree(path.join(crashed, 'work', sub))).toEqual(tree(path.join(clean, 'work', sub)));
    }
    expect(await readStoredInstructions(path.join(crashed, 'work'))).toEqual(await readStoredInstructions(path.join(clean, 'work')));
  });

  it('a power cut after the commit that leaves the claim empty (claims are not fsynced): the rerun still recovers from the store', async () => {
    const { clean, crashed } = await cleanAndCrashedAfterSecondCommit();
    // The claim's name survived with the commit after it; its bytes, never fsynced, did not.
    const claim = path.join(crashed, 'work/claims/BRK001/day2.csv.json');
    expect(JSON.parse(readFileSync(claim, 'utf8'))).toMatchObject({ file_name: 'day2.csv', attempts: 1 });
    writeFileSync(claim, '');
    const rerun = await ingestInbox(opts(path.join(crashed, 'inbox'), path.join(crashed, 'work')));
    expect(rerun.files.find((f) => f.file_name === 'day2.csv' && f.folder === 'BRK001')).toMatchObject({ outcome: 'ACCEPTED', recovered: true });
    for (const sub of ['outbox', 'store', 'processed', 'quarantine']) {
      expect(tree(path.join(crashed, 'work', sub))).toEqual(tree(path.join(clean, 'work', sub)));
    }
    expect(tree(path.join(crashed, 'work', 'claims'))).toEqual({});
  });

  it('an empty claim beside bytes committed under another name is no recovery: DUPLICATE_FILE', async () => {
    const inbox = path.join(tmp, 'inbox');
    const work = path.join(tmp, 'work');
    const text = fileText([dLine()]);
    drop(inbox, 'BRK001/a.csv', text);
    await ingestInbox(opts(inbox, work));
    drop(inbox, 'BRK001/b.csv', text);
    mkdirSync(path.join(work, 'claims/BRK001'), { recursive: true });
    writeFileSync(path.join(work, 'claims/BRK001/b.csv.json'), '');
    const r = await ingestInbox(opts(inbox, work));
    expect(r.files[0]).toMatchObject({ file_name: 'b.csv', outcome: 'DUPLICATE_FILE', recovered: false });
    expect(readFileSync(path.join(work, 'outbox/BRK001/b.csv.ack.csv'), 'utf8').split('\n')[1]).toMatch(/^0,,DUPLICATE_FILE,DUPLICATE_FILE,/);
    expect(await listStoredFiles(work)).toHaveLength(1);
  });

  it('a byte-identical re-drop is DUPLICATE_FILE with a single row, nothing counted twice', async () => {
    const inbox = path.join(tmp, 'inbox');
    const work = path.join(tmp, 'work');
    const text = fileText([dLine()]);
    drop(inbox, 'BRK001/a.csv', text);
    await ingestInbox(opts(inbox, work));
    drop(inbox, 'BRK001/a.csv', text);
    const r = await ingestInbox(opts(inbox, work));
    expect(r.files[0]).toMatchObject({ outcome: 'DUPLICATE_FILE', reason_code: 'DUPLICATE_FILE' });
    expect(readFileSync(path.join(work, 'outbox/BRK001/a.csv.ack.csv'), 'utf8').split('\n')[1]).toMatch(/^0,,DUPLICATE_FILE,DUPLICATE_FILE,/);
    expect(existsSync(path.join(work, 'processed/BRK001/a.csv.2'))).toBe(true);
    expect(await listStoredFiles(work)).toHaveLength(1);
  });

  it('BOOK_CLOSED once book-closed.json (a book closed by an earlier version) exists; the file is quarantined untouched', async () => {
    const inbox = path.join(tmp, 'inbox');
    const work = path.join(tmp, 'work');
    mkdirSync(work, { recursive: true });
    writeFileSync(path.join(work, 'book-closed.json'), '{}\n');
    const bytes = Buffer.from(fileText([dLine()]));
    drop(inbox, 'BRK001/late.csv', bytes);
    const r = await ingestInbox(opts(inbox, work));
    expect(r.files[0]).toMatchObject({ outcome: 'FILE_REJECTED', reason_code: 'BOOK_CLOSED' });
    expect(readFileSync(path.join(work, 'quarantine/BRK001/late.csv')).equals(bytes)).toBe(true);
    expect(readFileSync(path.join(work, 'outbox/BRK001/late.csv.ack.csv'), 'utf8')).toBe(
      'line,instruction_ref,status,reason_code,detail\n0,,FILE_REJECTED,BOOK_CLOSED,arrived after the book was closed for allocation (the book was closed)\n',
    );
  });

  it('FILE_SEQ_REPLAYED for a second file with an accepted file_seq; --close-lists rejects an incomplete file', async () => {
    const inbox = path.join(tmp, 'inbox');
    const work = path.join(tmp, 'work');
    drop(inbox, 'BRK001/a.csv', fileText([dLine({ ref: 'A1' })]));
    drop(inbox, 'BRK001/b.csv', fileText([dLine({ ref: 'B1' })]));
    drop(inbox, 'BRK001/c.csv', `${hLine('BRK001', 'CLEARING', '3')}\n${dLine({ ref: 'C1' })}\n`);
    const r = await ingestInbox(opts(inbox, work, { closeLists: true }));
    expect(r.files.map((f) => [f.file_name, f.outcome, f.reason_code])).toEqual([
      ['a.csv', 'ACCEPTED', null], ['b.csv', 'FILE_REJECTED', 'FILE_SEQ_REPLAYED'], ['c.csv', 'FILE_REJECTED', 'FILE_INCOMPLETE'],
    ]);
  });

  it('ignores and reports hidden, non-.csv, subfolder and symlinked entries; unknown folder acks go to outbox/<folder>', async () => {
    const inbox = path.join(tmp, 'inbox');
    const work = path.join(tmp, 'work');
    drop(inbox, 'BRK001/.hidden.csv', 'x');
    drop(inbox, 'BRK001/readme.txt', 'x');
    drop(inbox, 'BRK001/sub/a.csv', 'x');
    drop(inbox, 'loose.csv', 'x');
    symlinkSync(path.join(inbox, 'loose.csv'), path.join(inbox, 'BRK001', 'link.csv'));
    drop(inbox, 'ZZZ999/a.csv', fileText([dLine()], hLine('ZZZ999')));
    const r = await ingestInbox(opts(inbox, work));
    expect(r.ignored).toEqual([
      { entry: 'BRK001/.hidden.csv', reason: 'hidden' },
      { entry: 'BRK001/link.csv', reason: 'symbolic link' },
      { entry: 'BRK001/readme.txt', reason: 'not a .csv file' },
      { entry: 'BRK001/sub', reason: 'subfolder' },
      { entry: 'loose.csv', reason: 'not in a participant folder' },
    ]);
    expect(r.files.map((f) => [f.folder, f.reason_code])).toEqual([['ZZZ999', 'PARTICIPANT_UNKNOWN']]);
    expect(existsSync(path.join(work, 'outbox/ZZZ999/a.csv.ack.csv'))).toBe(true);
    expect(existsSync(path.join(work, 'quarantine/ZZZ999/a.csv'))).toBe(true);
  });
});
