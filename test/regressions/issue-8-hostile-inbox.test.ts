/**
 * Issue 8, items 1, 2 and 6: nothing dropped in an inbox can read outside it, hang ingest, stop
 * the run for the other participants, or leave leftovers. Every case here runs the real pipeline
 * over real folders, with another participant's ordinary file beside the hostile one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingestInbox, IngestOptions } from '../../src/pipeline/ingest';
import { scanInbox } from '../../src/io/inbox';
import { openInboxEntry } from '../../src/io/inbox-entry';
import { readClaim, writeClaim } from '../../src/io/claims';
import { listStoredFiles } from '../../src/io/store';
import type { ParticipantRegistry, Participant } from '../../src/domain/types';
import { dLine, fileText, hLine, offering, participants } from '../unit/validate/fixture';

let tmp: string;
let inbox: string;
let work: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'hostile-'));
  inbox = path.join(tmp, 'inbox');
  work = path.join(tmp, 'work');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const opts = (extra: Partial<IngestOptions> = {}): IngestOptions => ({ offering, participants, inboxDir: inbox, workDir: work, ...extra });
const drop = (rel: string, text: string | Buffer) => {
  mkdirSync(path.dirname(path.join(inbox, rel)), { recursive: true });
  writeFileSync(path.join(inbox, rel), text);
};
const ack = (rel: string) => readFileSync(path.join(work, 'outbox', `${rel}.ack.csv`), 'utf8');
/** An ordinary file of another participant: it must always be processed. */
const dropNeighbour = () => drop('BRK002/ok.csv', fileText([dLine({ ref: 'N1' })], hLine('BRK002')));
const neighbourDone = () => expect(ack('BRK002/ok.csv')).toBe('line,instruction_ref,status,reason_code,detail\n2,N1,ACCEPTED,,\n');

describe('item 1: read only through a verified descriptor', () => {
  it('a file swapped for a symbolic link to /proc/self/environ after the scan is ignored, never read', async () => {
    process.env.HOSTILE_SECRET = 'the-environment-must-not-leak';
    drop('BRK001/x.csv', fileText([dLine()]));
    const { files } = await scanInbox(inbox);
    const x = files.find((f) => f.name === 'x.csv')!;
    unlinkSync(x.path);
    symlinkSync('/proc/self/environ', x.path);
    const opened = await openInboxEntry(x);
    expect(opened).toEqual({ ok: false, ignored: { entry: 'BRK001/x.csv', reason: 'symbolic link (replaced after the inbox was scanned)' } });
  });

  it('a FIFO swapped in after the scan does not hang: ignored and reported', async () => {
    drop('BRK001/x.csv', fileText([dLine()]));
    const { files } = await scanInbox(inbox);
    unlinkSync(files[0]!.path);
    execFileSync('mkfifo', [files[0]!.path]);
    const opened = await openInboxEntry(files[0]!);
    expect(opened).toEqual({ ok: false, ignored: { entry: 'BRK001/x.csv', reason: 'not a regular file (replaced after the inbox was scanned)' } });
  });

  it('another file renamed over the scanned one is not read under the first one\'s scan (taken by the next run)', async () => {
    drop('BRK001/x.csv', fileText([dLine()]));
    drop('BRK001/other.txt', 'H,not,the,file');
    const { files } = await scanInbox(inbox);
    const x = files.find((f) => f.name === 'x.csv')!;
    renameSync(path.join(inbox, 'BRK001/other.txt'), x.path);
    expect(await openInboxEntry(x)).toEqual({ ok: false, ignored: { entry: 'BRK001/x.csv', reason: 'replaced after the inbox was scanned (taken on the next run)' } });
  });

  it('a participant folder swapped for a symbolic link after the scan is not followed', async () => {
    drop('BRK001/x.csv', fileText([dLine()]));
    drop('elsewhere/x.csv', fileText([dLine({ ref: 'SECRET' })]));
    const { files } = await scanInbox(inbox);
    renameSync(path.join(inbox, 'BRK001'), path.join(tmp, 'moved'));
    symlinkSync(path.join(inbox, 'elsewhere'), path.join(inbox, 'BRK001'));
    expect(await openInboxEntry(files.find((f) => f.folder === 'BRK001')!)).toEqual({ ok: false, ignored: { entry: 'BRK001/x.csv', reason: 'participant folder replaced after the inbox was scanned' } });
  });

  it.each(['symbolic link', 'FIFO'])('in a run: a later file swapped for a %s while an earlier one is processed is reported, never read, and the run ends', async (kind) => {
    process.env.HOSTILE_SECRET = 'the-environment-must-not-leak';
    drop('BRK001/a.csv', fileText([dLine({ ref: 'A1' })]));
    drop('BRK001/b.csv', fileText([dLine({ ref: 'B1' })], hLine('BRK001', 'CLEARING', '2')));
    dropNeighbour();
    const b = path.join(inbox, 'BRK001/b.csv');
    const r = await ingestInbox(opts({ beforeParse: (f) => {
      if (f.name !== 'a.csv') return;
      unlinkSync(b);
      if (kind === 'FIFO') execFileSync('mkfifo', [b]);
      else symlinkSync('/proc/self/environ', b);
    } }));
    expect(r.ignored).toEqual([{ entry: 'BRK001/b.csv', reason: kind === 'FIFO' ? 'not a regular file (replaced after the inbox was scanned)' : 'symbolic link (replaced after the inbox was scanned)' }]);
    expect(r.files.map((f) => f.file_name)).toEqual(['a.csv', 'ok.csv']);
    expect(existsSync(path.join(work, 'outbox/BRK001/b.csv.ack.csv'))).toBe(false);
    const found = spawnSync('grep', ['-r', '-l', 'the-environment-must-not-leak', work]);
    expect([found.status, found.stdout.toString()]).toEqual([1, '']);
    neighbourDone();
  });

  it('a symbolic link at scan time is still only reported, and the neighbour is processed', async () => {
    symlinkSync('/proc/self/environ', path.join((mkdirSync(path.join(inbox, 'BRK001'), { recursive: true }), inbox), 'BRK001/env.csv'));
    dropNeighbour();
    const r = await ingestInbox(opts());
    expect(r.ignored).toEqual([{ entry: 'BRK001/env.csv', reason: 'symbolic link' }]);
    neighbourDone();
    expect(existsSync(path.join(work, 'outbox/BRK001'))).toBe(false);
  });
});

describe('item 2: names that cannot be stored safely are ignored and reported', () => {
  it('78 CJK characters (234 bytes), a control character, a name that is not UTF-8', async () => {
    drop(`BRK001/${'陳'.repeat(76)}.csv`, fileText([dLine()]));
    drop('BRK001/a\nb.csv', fileText([dLine()]));
    mkdirSync(path.join(inbox, 'BRK001'), { recursive: true });
    writeFileSync(Buffer.concat([Buffer.from(path.join(inbox, 'BRK001') + '/'), Buffer.from([0x62, 0xe9, 0x2e, 0x63, 0x73, 0x76])]), fileText([dLine()]));
    dropNeighbour();
    const r = await ingestInbox(opts());
    expect(r.files.map((f) => `${f.folder}/${f.file_name}`)).toEqual(['BRK002/ok.csv']);
    expect(r.ignored.map((e) => e.reason).sort()).toEqual(['name contains a control character', 'name is not UTF-8', 'name longer than 200 bytes (its acknowledgement could not be stored)']);
    expect(r.ignored.find((e) => e.reason === 'name contains a control character')!.entry).toBe('BRK001/a\\x0ab.csv');
    neighbourDone();
  });
});

describe('item 2: per-file isolation and the poison-file guard', () => {
  it('a fault the content triggers inside the rules is that file\'s FILE_UNPROCESSABLE, not a crash', async () => {
    // A registry whose lookup breaks for one participant stands in for any bug a file could reach.
    const broken: ParticipantRegistry = new Map([...participants]);
    const get = broken.get.bind(broken);
    (broken as Map<string, Participant>).get = (id: string) => {
      if (id === 'BRK001') throw new RangeError('Invalid string length');
      return get(id);
    };
    drop('BRK001/bad.csv', fileText([dLine()]));
    dropNeighbour();
    const r = await ingestInbox(opts({ participants: broken }));
    expect(r.files.map((f) => [f.file_name, f.outcome, f.reason_code])).toEqual([['bad.csv', 'FILE_REJECTED', 'FILE_UNPROCESSABLE'], ['ok.csv', 'ACCEPTED', null]]);
    expect(ack('BRK001/bad.csv')).toBe('line,instruction_ref,status,reason_code,detail\n0,,FILE_REJECTED,FILE_UNPROCESSABLE,could not be processed; it is kept in quarantine for the registrar to examine (an internal fault (RangeError) while reading it)\n');
    expect(existsSync(path.join(work, 'quarantine/BRK001/bad.csv'))).toBe(true);
    expect(existsSync(path.join(work, 'claims/BRK001/bad.csv.json'))).toBe(false);
    neighbourDone();
  });

  it('a file that stopped the process twice is quarantined by the next run; once is retried', async () => {
    const bytes = fileText([dLine()]);
    drop('BRK001/poison.csv', bytes);
    dropNeighbour();
    const sha256 = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
    // What a run killed while parsing leaves: its claim, no commit.
    await writeClaim(work, { folder: 'BRK001', file_name: 'poison.csv', sha256, attempts: 1 });
    const once = await ingestInbox(opts({ beforeParse: async (f) => {
      if (f.name === 'poison.csv') expect(await readClaim(work, 'BRK001', 'poison.csv')).toMatchObject({ attempts: 2 });
    } }));
    expect(once.files.find((f) => f.file_name === 'poison.csv')).toMatchObject({ outcome: 'ACCEPTED' });

    drop('BRK001/poison2.csv', fileText([dLine({ ref: 'P2' })], hLine('BRK001', 'CLEARING', '2')));
    const sha2 = (await import('node:crypto')).createHash('sha256').update(readFileSync(path.join(inbox, 'BRK001/poison2.csv'))).digest('hex');
    await writeClaim(work, { folder: 'BRK001', file_name: 'poison2.csv', sha256: sha2, attempts: 2 });
    const twice = await ingestInbox(opts());
    expect(twice.files.map((f) => [f.file_name, f.reason_code])).toEqual([['poison2.csv', 'FILE_UNPROCESSABLE']]);
    expect(ack('BRK001/poison2.csv')).toMatch(/FILE_UNPROCESSABLE,could not be processed; .* \(the processor stopped 2 times while reading it\)\n$/);
    expect(existsSync(path.join(work, 'quarantine/BRK001/poison2.csv'))).toBe(true);
    expect(existsSync(path.join(work, 'claims/BRK001/poison2.csv.json'))).toBe(false);
  });

  it('an empty claim (its bytes lost to a power cut: claims are not fsynced) counts no attempt', async () => {
    drop('BRK001/cut.csv', fileText([dLine()]));
    mkdirSync(path.join(work, 'claims/BRK001'), { recursive: true });
    writeFileSync(path.join(work, 'claims/BRK001/cut.csv.json'), '');
    expect(await readClaim(work, 'BRK001', 'cut.csv')).toEqual({ torn: true, folder: 'BRK001', file_name: 'cut.csv' });
    const r = await ingestInbox(opts({ beforeParse: async (f) => {
      if (f.name === 'cut.csv') expect(await readClaim(work, 'BRK001', 'cut.csv')).toMatchObject({ attempts: 1 });
    } }));
    expect(r.files.map((f) => [f.file_name, f.outcome, f.recovered])).toEqual([['cut.csv', 'ACCEPTED', false]]);
    expect(existsSync(path.join(work, 'claims/BRK001/cut.csv.json'))).toBe(false);
  });

  it('a claim counts only runs on the same bytes; a storage fault removes it instead of counting', async () => {
    drop('BRK001/a.csv', fileText([dLine()]));
    await writeClaim(work, { folder: 'BRK001', file_name: 'a.csv', sha256: 'f'.repeat(64), attempts: 5 });
    expect((await ingestInbox(opts())).files[0]).toMatchObject({ outcome: 'ACCEPTED' });

    drop('BRK002/b.csv', fileText([dLine({ ref: 'B' })], hLine('BRK002')));
    // BRK002's outbox is a file: the acknowledgement cannot be written (a storage fault, after the claim).
    writeFileSync(path.join(work, 'outbox/BRK002'), 'not a folder');
    await expect(ingestInbox(opts())).rejects.toThrow(/^cannot create the folder .*outbox\/BRK002 \((EEXIST|ENOTDIR)/);
    expect(existsSync(path.join(work, 'claims/BRK002/b.csv.json'))).toBe(false);
  });
});

describe('item 6: leftovers of a stopped run', () => {
  it('temporary acks, store and claim files are removed at start', async () => {
    const leftovers = [
      'outbox/BRK001/.day1.csv.ack.csv.0123456789ab.tmp',
      `store/files/BRK001/${'a'.repeat(64)}.jsonl.123.1700000000000.tmp`,
      `store/files/BRK001/.${'a'.repeat(64)}.meta.json.0123456789ab.tmp`,
      'claims/BRK001/.day1.csv.json.0123456789ab.tmp',
    ];
    for (const rel of leftovers) {
      mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
      writeFileSync(path.join(work, rel), 'partial');
    }
    writeFileSync(path.join(work, 'outbox/BRK001/.keep-me'), 'not ours');
    mkdirSync(inbox, { recursive: true });
    await ingestInbox(opts());
    for (const rel of leftovers) expect([rel, existsSync(path.join(work, rel))]).toEqual([rel, false]);
    expect(existsSync(path.join(work, 'outbox/BRK001/.keep-me'))).toBe(true);
  });

  it('a run stopped between link and unlink leaves no second copy (processed/…csv.2) for an accepted file', async () => {
    drop('BRK001/a.csv', fileText([dLine()]));
    await expect(ingestInbox(opts({ afterCommit: () => { throw new Error('simulated kill'); } }))).rejects.toThrow('simulated kill');
    // The kill came after the link into processed/ and before the unlink from the inbox.
    mkdirSync(path.join(work, 'processed/BRK001'), { recursive: true });
    linkSync(path.join(inbox, 'BRK001/a.csv'), path.join(work, 'processed/BRK001/a.csv'));
    const r = await ingestInbox(opts());
    expect(r.files[0]).toMatchObject({ outcome: 'ACCEPTED', recovered: true, moved_to: path.join(work, 'processed/BRK001/a.csv') });
    expect(readdirSync(path.join(work, 'processed/BRK001'))).toEqual(['a.csv']);
    expect(readdirSync(path.join(inbox, 'BRK001'))).toEqual([]);
    expect(await listStoredFiles(work)).toHaveLength(1);
  });

  it('the same for a file rejected whole: one copy in quarantine/', async () => {
    drop('BRK001/bad.csv', fileText([dLine()], hLine('BRK001', 'CLEARING', '1', '0700')));
    mkdirSync(path.join(work, 'quarantine/BRK001'), { recursive: true });
    linkSync(path.join(inbox, 'BRK001/bad.csv'), path.join(work, 'quarantine/BRK001/bad.csv'));
    const r = await ingestInbox(opts());
    expect(r.files[0]).toMatchObject({ reason_code: 'STOCK_CODE_MISMATCH', moved_to: path.join(work, 'quarantine/BRK001/bad.csv') });
    expect(readdirSync(path.join(work, 'quarantine/BRK001'))).toEqual(['bad.csv']);
    expect(statSync(path.join(work, 'quarantine/BRK001/bad.csv')).nlink).toBe(1);
  });

  it('a file replaced after it was read: the bytes acknowledged are kept (a copy), the new file waits for the next run', async () => {
    const original = fileText([dLine({ ref: 'O1' })]);
    const replacement = fileText([dLine({ ref: 'R9' })], hLine('BRK001', 'CLEARING', '2'));
    drop('BRK001/a.csv', original);
    drop('BRK001/new.txt', replacement);
    const r = await ingestInbox(opts({ beforeParse: () => renameSync(path.join(inbox, 'BRK001/new.txt'), path.join(inbox, 'BRK001/a.csv')) }));
    expect(r.files[0]).toMatchObject({ outcome: 'ACCEPTED', moved_to: path.join(work, 'processed/BRK001/a.csv') });
    expect(ack('BRK001/a.csv')).toBe('line,instruction_ref,status,reason_code,detail\n2,O1,ACCEPTED,,\n');
    expect(readFileSync(path.join(work, 'processed/BRK001/a.csv'), 'utf8')).toBe(original);
    expect(readFileSync(path.join(inbox, 'BRK001/a.csv'), 'utf8')).toBe(replacement);
    const next = await ingestInbox(opts());
    expect(next.files[0]).toMatchObject({ outcome: 'ACCEPTED', moved_to: path.join(work, 'processed/BRK001/a.csv.2') });
  });

  it('a genuine second drop of the same name still gets its own .2 copy', async () => {
    const first = fileText([dLine()]);
    drop('BRK001/a.csv', first);
    await ingestInbox(opts());
    drop('BRK001/a.csv', first);
    await ingestInbox(opts());
    expect(readdirSync(path.join(work, 'processed/BRK001')).sort()).toEqual(['a.csv', 'a.csv.2']);
  });
});
