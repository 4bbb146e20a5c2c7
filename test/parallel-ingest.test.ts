/**
 * Issue 9: the parallel ingest (worker threads judge, the main thread commits in order) gives the
 * same acknowledgements, store, processed and quarantined files and reports as one file after
 * another, on a generated book with planted faults, multiple applications, refs reused across
 * files, replayed file_seqs and re-dropped files (many small files per participant); and after a
 * crash mid-run and a rerun.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingestInbox, IngestOptions } from '../src/pipeline/ingest';
import { loadOfferingFile, loadParticipantsFile } from '../src/io/config-files';
import { writeSyntheticBook } from '../src/io/synthetic-book';
import { readGenerateOptions } from '../src/generate/generate-options';
import { readTree } from './unit/refund/cli-harness';
import * as inboxEntry from '../src/io/inbox-entry';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..');
const OFFERING_FILE = path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json');
const offering = loadOfferingFile(OFFERING_FILE);

let tmp: string;
let book: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'parallel-ingest-'));
  book = path.join(tmp, 'book');
  writeSyntheticBook(book, offering, OFFERING_FILE, readGenerateOptions({
    instructions: '4000', seed: 'parallel', participantsCount: '8', recordsPerFile: '12', errorRate: '0.06', multipleRate: '0.02',
  }));
  const inbox = path.join(book, 'inbox');
  const text = (p: string, f: string) => readFileSync(path.join(inbox, p, f), 'utf8');
  const lines = (t: string) => t.split('\n').filter((l) => l !== '');
  // Re-drops: the same bytes under a name sorted before the original (the copy is taken, the
  // original is the duplicate) and after it.
  writeFileSync(path.join(inbox, 'B00001', 'B00001-00002-again.csv'), text('B00001', 'B00001-00002.csv'));
  writeFileSync(path.join(inbox, 'B00002', 'B00002-00003.csv.copy.csv'), text('B00002', 'B00002-00003.csv'));
  // A replayed file_seq with other bytes (created_at changed).
  const replay = lines(text('B00001', 'B00001-00004.csv'));
  replay[0] = replay[0]!.replace(/,[^,]*$/, ',2021-12-20T23:59:00+08:00');
  writeFileSync(path.join(inbox, 'B00001', 'B00001-00004.csv.replay.csv'), replay.join('\n') + '\n');
  // Every ref of an earlier file again, under a new file_seq: every record REF_REUSED.
  const reused = lines(text('B00003', 'B00003-00001.csv'));
  reused[0] = reused[0]!.replace(/^(H,[^,]*,[^,]*,[^,]*,[^,]*,)[0-9]+,/, '$1900,');
  writeFileSync(path.join(inbox, 'B00003', 'B00003-00009.csv.reused.csv'), reused.join('\n') + '\n');
  // A file rejected whole, one without a trailer (left waiting), one not UTF-8.
  const broken = lines(text('B00002', 'B00002-00001.csv'));
  writeFileSync(path.join(inbox, 'B00002', 'B00002-00001.csv.count.csv'), [broken[0]!.replace(/,[0-9]+,([^,]*)$/, ',901,$1'), ...broken.slice(1, -2), broken.at(-1)].join('\n') + '\n');
  writeFileSync(path.join(inbox, 'B00004', 'B00004-00099.csv'), broken.slice(0, 3).join('\n').replace(/B00002/g, 'B00004') + '\n');
  writeFileSync(path.join(inbox, 'C00001', 'C00001-00099.csv'), Buffer.from('H,\xff\nT,0,0,0.00\n', 'latin1'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function copyBook(name: string): { inbox: string; work: string; opts: (extra?: Partial<IngestOptions>) => IngestOptions } {
  const dir = path.join(tmp, name);
  cpSync(path.join(book, 'inbox'), path.join(dir, 'inbox'), { recursive: true });
  const participants = loadParticipantsFile(path.join(book, 'participants.csv'));
  const inbox = path.join(dir, 'inbox');
  const work = path.join(dir, 'work');
  return { inbox, work, opts: (extra = {}) => ({ offering, participants, inboxDir: inbox, workDir: work, ...extra }) };
}

const OUTPUTS = ['outbox', 'store', 'processed', 'quarantine'];
function outputs(work: string): Record<string, Map<string, Buffer>> {
  return Object.fromEntries(OUTPUTS.map((sub) => [sub, readTree(path.join(work, sub))]));
}
const claimsLeft = (work: string) => [...readTree(path.join(work, 'claims')).keys()];

describe('parallel ingest', () => {
  let sequential: { work: string; report: Awaited<ReturnType<typeof ingestInbox>> };
  beforeAll(async () => {
    const s = copyBook('sequential');
    sequential = { work: s.work, report: await ingestInbox(s.opts({ threads: 0 })) };
  });

  it('the book exercises every cross-file rule', () => {
    const r = sequential.report;
    expect(r.files.length).toBeGreaterThan(300);
    const outcomes = new Set(r.files.map((f) => f.reason_code ?? f.outcome));
    for (const o of ['ACCEPTED', 'DUPLICATE_FILE', 'FILE_SEQ_REPLAYED', 'TRAILER_COUNT_MISMATCH', 'FILE_NOT_UTF8', 'INCOMPLETE']) expect(outcomes).toContain(o);
    const acks = [...readTree(path.join(sequential.work, 'outbox')).values()].map((b) => b.toString('utf8')).join('');
    expect(acks).toContain('in a file accepted before');
    expect(acks).toContain('earlier in this file');
    expect(r.totals.rejected_records).toBeGreaterThan(100);
  });

  it.each([1, 2])('with %i judging thread(s): the same reports, acknowledgements and store byte for byte', async (threads) => {
    const p = copyBook(`parallel-${threads}`);
    const report = await ingestInbox(p.opts({ threads }));
    expect(report).toEqual({ ...sequential.report, files: sequential.report.files.map((f) => ({ ...f, ack_path: f.ack_path?.replace(sequential.work, p.work) ?? null, moved_to: f.moved_to?.replace(sequential.work, p.work) ?? null })) });
    expect(outputs(p.work)).toEqual(outputs(sequential.work));
    expect(claimsLeft(p.work)).toEqual([]);
    expect(readdirSync(path.join(p.inbox, 'B00004'))).toEqual(['B00004-00099.csv']);
  });

  it('a re-drop prepared at the same time as the earlier file with its bytes, which is slower to open: still the DUPLICATE_FILE', async () => {
    // The earlier file of the pair (sorted first) opened 300 ms late, so the later one hashes first;
    // it must wait for the earlier one's hash (and then its commit) before asking "accepted before?".
    const p = copyBook('slow-first');
    const open = inboxEntry.openInboxEntry;
    const spy = jest.spyOn(inboxEntry, 'openInboxEntry').mockImplementation(async (file) => {
      if (file.name === 'B00001-00002-again.csv') await new Promise((r) => setTimeout(r, 300));
      return open(file);
    });
    try {
      const report = await ingestInbox(p.opts({ threads: 2 }));
      expect(spy.mock.calls.map(([f]) => f.name)).toContain('B00001-00002-again.csv');
      const outcome = (name: string) => report.files.find((f) => f.folder === 'B00001' && f.file_name === name)?.outcome;
      expect([outcome('B00001-00002-again.csv'), outcome('B00001-00002.csv')]).toEqual(['ACCEPTED', 'DUPLICATE_FILE']);
      expect(outputs(p.work)).toEqual(outputs(sequential.work));
    } finally {
      spy.mockRestore();
    }
  });

  it('a crash mid-run (after the 40th commit), then a rerun: the same outputs as one clean run', async () => {
    const p = copyBook('crashed');
    let commits = 0;
    await expect(ingestInbox(p.opts({ threads: 2, afterCommit: () => {
      if (++commits === 40) throw new Error('simulated crash');
    } }))).rejects.toThrow('simulated crash');
    // The files claimed ahead of the crash were left as they were (only the file committed keeps its claim).
    expect(claimsLeft(p.work)).toHaveLength(1);
    // The files judged ahead of the crash left nothing in the store (lines and meta discarded).
    expect([...readTree(path.join(p.work, 'store')).keys()].filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const rerun = await ingestInbox(p.opts({ threads: 2 }));
    expect(rerun.files.filter((f) => f.recovered)).toHaveLength(1);
    expect(outputs(p.work)).toEqual(outputs(sequential.work));
    expect(claimsLeft(p.work)).toEqual([]);
    expect(existsSync(path.join(p.inbox, 'B00001', 'B00001-00001.csv'))).toBe(false);
  });
});
