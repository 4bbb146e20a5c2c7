/**
 * The book's lifecycle, enforced (issue 6): no ACCEPTED instruction left out of the ballot, no
 * BOOK_CLOSED one in it, no final allocation replaced unasked, one writer per work folder.
 * Each race of the issue is a test here; the two-process races are in book-lock.test.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ingestInbox } from '../src/pipeline/ingest';
import { INGEST_STEPS, IngestStep } from '../src/pipeline/ingest-file';
import { closeBook, loadBook, recordInbox, withWorkFolder } from '../src/pipeline/book';
import { acquireWorkLock } from '../src/io/work-lock';
import { dLine, fileText, hkid, hLine, offering, participants, pay } from './unit/validate/fixture';
import { OFFERING, PARTICIPANTS, readTree, runCli, tempDir } from './unit/refund/cli-harness';

let serial = 0;
/** A file of `n` valid CLEARING instructions with refs `<tag>-<i>` and identities of their own. */
function bookFile(participant: string, seq: number, tag: string, n: number): string {
  const type = participants.get(participant)!.participant_type;
  const wf = type === 'WHITE_FORM';
  const lines = Array.from({ length: n }, (_, i) => {
    serial += 1;
    return dLine({ ref: `${tag}-${i + 1}`, id: hkid('B', String(100000 + serial)), shares: String(1000 * (1 + (i % 3))), input_time: '2021-12-21T10:00:00' }, wf ? 'WHITE_FORM' : 'CCASS');
  });
  return fileText(lines, hLine(participant, type, String(seq)));
}

function drop(inbox: string, participant: string, name: string, text: string): void {
  mkdirSync(path.join(inbox, participant), { recursive: true });
  writeFileSync(path.join(inbox, participant, name), text);
}

function freshBook(): { inbox: string; work: string } {
  const root = tempDir('lifecycle');
  const inbox = path.join(root, 'inbox');
  mkdirSync(inbox);
  drop(inbox, 'BRK001', 'f1.csv', bookFile('BRK001', 1, 'A', 4));
  drop(inbox, 'BRK002', 'f2.csv', bookFile('BRK002', 1, 'B', 3));
  drop(inbox, 'INV001', 'f3.csv', bookFile('INV001', 1, 'C', 2));
  return { inbox, work: path.join(root, 'work') };
}

const common = (work: string) => ['--offering', OFFERING, '--participants', PARTICIPANTS, '--work', work];
const allocateArgs = (work: string, ...more: string[]) => ['allocate', ...common(work), '--final-price', '3.85', '--seed', 'lifecycle', ...more];
const ingestArgs = (work: string, inbox: string) => ['ingest', ...common(work), '--inbox', inbox];

interface AckRow { file: string; status: string; reason: string; ref: string }
/** Every acknowledgement row of the outbox, with its file. */
function acks(work: string): AckRow[] {
  const rows: AckRow[] = [];
  for (const [name, bytes] of readTree(path.join(work, 'outbox'))) {
    for (const line of bytes.toString('utf8').trim().split('\n').slice(1)) {
      const [, ref, status, reason] = line.split(',');
      rows.push({ file: name, status: status!, reason: reason!, ref: ref! });
    }
  }
  return rows;
}

/** participant/ref of every row of results.csv. */
function resultRefs(work: string): Set<string> {
  const text = readFileSync(path.join(work, 'allocation/results.csv'), 'utf8');
  return new Set(text.trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 2).join('/')));
}

/** The invariant of the issue: ACCEPTED => in the ballot's results; BOOK_CLOSED => nowhere. */
function expectAcksAgreeWithResults(work: string): { accepted: number; closed: number } {
  const results = resultRefs(work);
  let accepted = 0;
  let closed = 0;
  for (const a of acks(work)) {
    const participant = a.file.split('/')[0]!;
    if (a.status === 'ACCEPTED') {
      accepted += 1;
      expect({ ack: a, inResults: results.has(`${participant}/${a.ref}`) }).toEqual({ ack: a, inResults: true });
    }
    if (a.reason === 'BOOK_CLOSED') closed += 1;
  }
  // A file answered BOOK_CLOSED has none of its refs in the results (refs are unique per file here).
  for (const [name, bytes] of readTree(path.join(work, 'outbox'))) {
    if (!bytes.toString('utf8').includes(',BOOK_CLOSED,')) continue;
    const tag = name.split('/')[1]!.replace('.csv.ack.csv', '');
    expect([...results].filter((r) => r.split('/')[1]!.startsWith(`${tag}-`))).toEqual([]);
  }
  return { accepted, closed };
}

describe('the close is a fencing point', () => {
  test('a file in the inbox at the close counts (allocate ingests it first); one dropped after is BOOK_CLOSED and not in the ballot', async () => {
    const { inbox, work } = freshBook();
    expect((await runCli(ingestArgs(work, inbox))).code).toBe(0);
    drop(inbox, 'CUS001', 'waiting.csv', bookFile('CUS001', 1, 'W', 2)); // arrived before the close, never ingested
    const alloc = await runCli(allocateArgs(work));
    expect(alloc.stderr).toBe('');
    expect(alloc.code).toBe(0);
    expect(alloc.stdout).toMatch(/book closed at .*: 1 file\(s\) in the inboxes had arrived before the close/);
    expect(alloc.stdout).toMatch(/^ingest: 1 files: 1 accepted \(2 records, 2 accepted, 0 rejected\)/m);
    expect(resultRefs(work)).toContain('CUS001/W-1');

    drop(inbox, 'CUS001', 'late.csv', bookFile('CUS001', 2, 'L', 2));
    const late = await runCli(ingestArgs(work, inbox));
    expect(late.code).toBe(0);
    expect(readFileSync(path.join(work, 'outbox/CUS001/late.csv.ack.csv'), 'utf8')).toMatch(
      /^line,instruction_ref,status,reason_code,detail\n0,,FILE_REJECTED,BOOK_CLOSED,arrived after the book was closed for allocation \(the book was closed at .* and allocated at .*\)\n$/,
    );
    expect(existsSync(path.join(work, 'quarantine/CUS001/late.csv'))).toBe(true);
    expect(expectAcksAgreeWithResults(work)).toEqual({ accepted: 11, closed: 1 });
    expect((await runCli(['verify', ...common(work)])).code).toBe(0);
  });

  // Closes the book (as another process would, writing the lifecycle) at each step of each file
  // of an ingest, drops a late file right after, and checks the invariant.
  const steps: [number, IngestStep][] = [1, 2].flatMap((fileNo) => INGEST_STEPS.map((s): [number, IngestStep] => [fileNo, s]));
  test.each(steps)('closed at file %i, step %s: never ACCEPTED-but-absent, never BOOK_CLOSED-but-counted', async (fileNo, step) => {
    const { inbox, work } = freshBook();
    mkdirSync(work);
    const actor = { command: 'test-close', operator: 'tester' };
    await recordInbox(work, await loadBook(work, offering, actor, true), inbox, actor);
    let seen = 0;
    let current = '';
    const report = await ingestInbox({
      offering, participants, inboxDir: inbox, workDir: work,
      onStep: async (s, file) => {
        if (file.path !== current) {
          current = file.path;
          seen += 1;
        }
        if (seen === fileNo && s === step) {
          await closeBook(work, await loadBook(work, offering, actor), actor);
          drop(inbox, 'BRK001', 'late.csv', bookFile('BRK001', 9, 'late', 2));
        }
      },
    });
    // The three files were in the inbox before the close (or committed before it): all count.
    expect(report.files.map((f) => f.outcome)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    const alloc = await runCli(allocateArgs(work));
    expect(alloc.code).toBe(0);
    await runCli(ingestArgs(work, inbox));
    expect(readFileSync(path.join(work, 'outbox/BRK001/late.csv.ack.csv'), 'utf8')).toContain(',BOOK_CLOSED,');
    expect(expectAcksAgreeWithResults(work)).toEqual({ accepted: 9, closed: 1 });
    expect(resultRefs(work).size).toBe(9);
  });

  test('the fence: a book closed while a file is read, the file touched after the close, is not committed', async () => {
    const { inbox, work } = freshBook();
    mkdirSync(work);
    const actor = { command: 'test-close', operator: 'tester' };
    await recordInbox(work, await loadBook(work, offering, actor, true), inbox, actor);
    const report = await ingestInbox({
      offering, participants, inboxDir: inbox, workDir: work,
      onStep: async (s, file) => {
        if (s === 'claimed' && file.folder === 'BRK002') {
          await closeBook(work, await loadBook(work, offering, actor), actor);
          const later = new Date(Date.now() + 5000);
          utimesSync(file.path, later, later);
        }
      },
    });
    expect(report.files.map((f) => [f.folder, f.outcome, f.reason_code])).toEqual([
      ['BRK001', 'ACCEPTED', null], ['BRK002', 'FILE_REJECTED', 'BOOK_CLOSED'], ['INV001', 'ACCEPTED', null],
    ]);
    expect(readTree(path.join(work, 'store')).size).toBe(4);
    expect((await runCli(allocateArgs(work))).code).toBe(0);
    expect(expectAcksAgreeWithResults(work)).toEqual({ accepted: 6, closed: 1 });
    expect([...resultRefs(work)].filter((r) => r.startsWith('BRK002/'))).toEqual([]);
  });

  test('a file changed after the close is BOOK_CLOSED (its final bytes arrived late)', async () => {
    const { inbox, work } = freshBook();
    mkdirSync(work);
    const actor = { command: 'test-close', operator: 'tester' };
    const l = await recordInbox(work, await loadBook(work, offering, actor, true), inbox, actor);
    await closeBook(work, l, actor);
    writeFileSync(path.join(inbox, 'BRK002/f2.csv'), bookFile('BRK002', 1, 'B', 5));
    const report = await ingestInbox({ offering, participants, inboxDir: inbox, workDir: work });
    expect(report.files.map((f) => [f.folder, f.outcome, f.reason_code])).toEqual([
      ['BRK001', 'ACCEPTED', null], ['BRK002', 'FILE_REJECTED', 'BOOK_CLOSED'], ['INV001', 'ACCEPTED', null],
    ]);
    expect(readFileSync(path.join(work, 'outbox/BRK002/f2.csv.ack.csv'), 'utf8')).toContain('this file was changed after the close');
  });
});

describe('one writer per work folder', () => {
  test('allocate is refused (exit 75, naming the holder) while an ingest holds the book; afterwards it counts everything', async () => {
    const { inbox, work } = freshBook();
    let release: () => void = () => undefined;
    const paused = new Promise<void>((r) => { release = r; });
    let reached: () => void = () => undefined;
    const atPause = new Promise<void>((r) => { reached = r; });
    const actor = { command: 'ingest', operator: 'clerk' };
    const ingest = withWorkFolder(work, actor, true, async () => {
      await recordInbox(work, await loadBook(work, offering, actor, true), inbox, actor);
      return ingestInbox({
        offering, participants, inboxDir: inbox, workDir: work,
        onStep: async (s, file) => {
          if (s === 'claimed' && file.folder === 'BRK002') {
            reached();
            await paused;
          }
        },
      });
    });
    await atPause;
    const refused = await runCli(allocateArgs(work));
    expect(refused.code).toBe(75);
    expect(refused.stderr).toBe(`ccass-batch: work folder ${work} is held by \`ingest\` (pid ${process.pid} on ${os.hostname()}, operator clerk) since ${JSON.parse(readFileSync(path.join(work, 'lock.json'), 'utf8')).since}; try again when it finishes\n`);
    expect(existsSync(path.join(work, 'allocation'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(work, 'lifecycle.json'), 'utf8')).transitions.map((t: { to: string }) => t.to)).toEqual(['open']);
    release();
    await ingest;
    expect(existsSync(path.join(work, 'lock.json'))).toBe(false);
    expect((await runCli(allocateArgs(work))).code).toBe(0);
    expect(expectAcksAgreeWithResults(work)).toEqual({ accepted: 9, closed: 0 });
  });

  test('a lock left by a process that died is taken over; a live one on another host is not', async () => {
    const { inbox, work } = freshBook();
    expect((await runCli(ingestArgs(work, inbox))).code).toBe(0);
    const lock = path.join(work, 'lock.json');
    // A pid that does not run on this host (the highest possible pid is never ours).
    writeFileSync(lock, JSON.stringify({ pid: 4194304, host: os.hostname(), command: 'ingest', operator: 'gone', since: '2021-12-23T03:00:00.000Z', token: 'dead', pid_start: null }));
    const taken = await runCli(allocateArgs(work));
    expect(taken.stderr).toBe('');
    expect(taken.code).toBe(0);
    expect(existsSync(lock)).toBe(false);

    writeFileSync(lock, JSON.stringify({ pid: 1, host: 'another-host', command: 'close', operator: 'ops', since: '2021-12-23T03:00:00.000Z', token: 'live', pid_start: null }));
    const busy = await runCli(['lapse', ...common(work), '--reason', 'x']);
    expect(busy.code).toBe(75);
    expect(busy.stderr).toMatch(/is held by `close` \(pid 1 on another-host, operator ops\) since 2021-12-23T03:00:00.000Z/);
    // Not refreshed for more than a minute: its host is gone.
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    const lapse = await runCli(['lapse', ...common(work), '--reason', 'x']);
    expect(lapse.code).toBe(0);
  });

  test('read-only commands need no lock: status and verify run while the folder is held', async () => {
    const { inbox, work } = freshBook();
    expect((await runCli(ingestArgs(work, inbox))).code).toBe(0);
    expect((await runCli(allocateArgs(work))).code).toBe(0);
    const lock = await acquireWorkLock(work, { command: 'test', operator: 't' });
    try {
      expect((await runCli(['verify', ...common(work)])).code).toBe(0);
      const status = await runCli(['status', '--work', work]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^held by `test` \(pid \d+/m);
    } finally {
      await lock.release();
    }
  });
});

describe('no allocation overwritten unasked', () => {
  test('a second allocate with another seed is refused naming the first; --supersede --reason keeps the first byte for byte', async () => {
    const { inbox, work } = freshBook();
    await runCli(ingestArgs(work, inbox));
    expect((await runCli(allocateArgs(work, '--operator', 'alice'))).code).toBe(0);
    const first = readTree(path.join(work, 'allocation'));

    const refused = await runCli(['allocate', ...common(work), '--final-price', '3.99', '--seed', 'other']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^ccass-batch: the book was allocated at \S+ by alice \(final price 3\.85, seed "lifecycle"\); a new allocation needs --supersede --reason TEXT\n$/);
    expect(readTree(path.join(work, 'allocation'))).toEqual(first);

    const noReason = await runCli(['allocate', ...common(work), '--final-price', '3.99', '--seed', 'other', '--supersede']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--supersede needs --reason TEXT/);

    const again = await runCli(['allocate', ...common(work), '--final-price', '3.99', '--seed', 'other', '--supersede', '--reason', 'price agreed at the top of the range', '--operator', 'bob']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/the allocation it replaces is kept in allocation\/superseded\/1\//);
    expect(readTree(path.join(work, 'allocation/superseded/1'))).toEqual(first);
    expect(JSON.parse(readFileSync(path.join(work, 'allocation/summary.json'), 'utf8')).final_price).toBe('3.99');
    const last = JSON.parse(readFileSync(path.join(work, 'lifecycle.json'), 'utf8')).transitions.at(-1);
    expect(last).toMatchObject({ to: 'allocated', operator: 'bob', supersedes: { folder: 'allocation/superseded/1', reason: 'price agreed at the top of the range' }, parameters: { final_price: '3.99', seed: 'other' } });
    expect((await runCli(['verify', ...common(work)])).code).toBe(0);
  });

  test('an allocation that stopped half way is finished by the same command, and refused with other parameters', async () => {
    const { inbox, work } = freshBook();
    await runCli(ingestArgs(work, inbox));
    // The output folder cannot be written: the allocation records its intent, then fails (74).
    writeFileSync(path.join(work, 'allocation'), 'not a folder');
    const failed = await runCli(allocateArgs(work));
    expect(failed.code).toBe(74);
    rmSync(path.join(work, 'allocation'));
    const other = await runCli(['allocate', ...common(work), '--final-price', '3.90', '--seed', 'lifecycle']);
    expect(other.code).toBe(3);
    expect(other.stderr).toMatch(/an allocation with final price 3\.85, seed "lifecycle" was started at .* and did not finish: repeat that command to finish it/);
    const finished = await runCli(allocateArgs(work));
    expect(finished.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(work, 'lifecycle.json'), 'utf8')).transitions.map((t: { to: string }) => t.to)).toEqual(['open', 'closed', 'allocating', 'allocated']);
    expect(expectAcksAgreeWithResults(work)).toEqual({ accepted: 9, closed: 0 });
  });
});

describe('commands on a folder that holds no book create nothing', () => {
  test.each([
    ['allocate', (w: string) => allocateArgs(w)],
    ['lapse', (w: string) => ['lapse', ...common(w), '--reason', 'x']],
    ['close', (w: string) => ['close', ...common(w)]],
    ['verify', (w: string) => ['verify', ...common(w)]],
    ['status', (w: string) => ['status', '--work', w]],
  ])('%s --work /a/typo: exit 2, one line, nothing created', async (_name, args) => {
    const root = tempDir('nobook');
    const typo = path.join(root, 'a', 'typo');
    const r = await runCli(args(typo));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--work .*typo: (no such folder|holds no book)/);
    expect(readdirSync(root)).toEqual([]);
  });

  test('an existing empty folder is no book either', async () => {
    const work = tempDir('empty');
    const r = await runCli(allocateArgs(work));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds no book/);
    expect(readdirSync(work)).toEqual([]);
  });
});

describe('lapse', () => {
  test('allots nothing, refunds every amount paid in full, then no allocation is allowed', async () => {
    const { inbox, work } = freshBook();
    await runCli(ingestArgs(work, inbox));
    const r = await runCli(['lapse', ...common(work), '--reason', 'the underwriting agreement was terminated']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/LAPSED \("the underwriting agreement was terminated"\): nothing allotted, every amount paid refunded in full/);
    const results = readFileSync(path.join(work, 'allocation/results.csv'), 'utf8').trim().split('\n').slice(1);
    expect(results).toHaveLength(9);
    for (const row of results) expect(row).toMatch(/,0,UNSUCCESSFUL,OFFERING_LAPSED$/);
    const refunds = readFileSync(path.join(work, 'allocation/refunds.csv'), 'utf8').trim().split('\n').slice(1);
    expect(refunds).toHaveLength(9);
    for (const row of refunds) expect(row).toMatch(/^R\d{8},.*,\d+\.\d\d,LAPSED,\d+,\d+,HKD,2021-12-29,OFFERING_LAPSED,,$/);
    const summary = JSON.parse(readFileSync(path.join(work, 'allocation/summary.json'), 'utf8'));
    // 4 + 3 + 2 instructions of 1,000 / 2,000 / 3,000 shares in turn.
    const paid = [1000, 2000, 3000, 1000, 1000, 2000, 3000, 1000, 2000].reduce((s, q) => s + Number(pay(q)) * 100, 0);
    expect(summary.money.total).toEqual({ amount_paid: (paid / 100).toFixed(2), amount_kept: '0.00', amount_refunded: (paid / 100).toFixed(2), manual_refunds: 0 });
    expect(summary).toMatchObject({ final_price: null, lapse: { reason: 'the underwriting agreement was terminated' }, shares_allotted: { total: 0 }, draw: { seed: null } });
    expect(readFileSync(path.join(work, 'allocation/basis-of-allocation.csv'), 'utf8')).toBe('pool,shares_applied,valid_applications,basis,approx_pct_allotted,ballot_policy,exponent\n');
    expect((await runCli(['verify', ...common(work)])).code).toBe(0);

    const alloc = await runCli(allocateArgs(work));
    expect(alloc.code).toBe(3);
    expect(alloc.stderr).toMatch(/the offering lapsed at \S+ by \S+ \("the underwriting agreement was terminated"\): nothing can be allocated/);
  });

  test('after an allocation: the allocation is kept under superseded/1', async () => {
    const { inbox, work } = freshBook();
    await runCli(ingestArgs(work, inbox));
    await runCli(allocateArgs(work));
    const allocated = readTree(path.join(work, 'allocation'));
    expect((await runCli(['lapse', ...common(work), '--reason', 'listing approval withdrawn'])).code).toBe(0);
    expect(readTree(path.join(work, 'allocation/superseded/1'))).toEqual(allocated);
    const status = JSON.parse((await runCli(['status', '--work', work, '--json'])).stdout);
    expect(status).toMatchObject({ state: 'lapsed', final: { to: 'lapsed', reason: 'listing approval withdrawn', supersedes: { folder: 'allocation/superseded/1' } } });
  });
});

describe('status', () => {
  test('open, then closed with counts so far, then allocated with its parameters', async () => {
    const { inbox, work } = freshBook();
    drop(inbox, 'BRK009', 'suspended.csv', bookFile('BRK009', 1, 'S', 1));
    await runCli(ingestArgs(work, inbox));
    drop(inbox, 'WFE001', 'waiting.csv', bookFile('WFE001', 1, 'W', 1).replace(/\nT,.*\n$/, '\n'));
    const open = JSON.parse((await runCli(['status', '--work', work, '--json'])).stdout);
    const demand = 1000 * (1 + 2 + 3 + 1) + 1000 * (1 + 2 + 3) + 1000 * (1 + 2);
    expect(open).toMatchObject({
      state: 'open', offering: { stock_code: '0020' },
      files: { accepted: 3, rejected: 1, duplicates: 0, waiting: 1 },
      instructions: { accepted: 9, rejected: 0 },
      applications: { valid: 9, multiple: 0 },
      demand_shares: demand,
      subscription_multiple: '0.00',
      final: null, pending: null, held_by: null,
    });
    expect(open.transitions.map((t: { to: string }) => t.to)).toEqual(['open']);
    await runCli(['close', ...common(work)]);
    const closed = await runCli(['status', '--work', work]);
    expect(closed.stdout).toMatch(/^book 0020 SenseTime Group Inc\. in .*: CLOSED$/m);
    expect(closed.stdout).toMatch(/^files: 3 accepted, 2 rejected whole, 0 duplicate, 0 waiting in the inboxes$/m);
    await runCli(allocateArgs(work));
    const done = await runCli(['status', '--work', work]);
    expect(done.stdout).toMatch(/^allocated at \S+ by \S+: final price 3\.85, seed "lifecycle"; book sha256 [0-9a-f]{64}$/m);
  });
});
