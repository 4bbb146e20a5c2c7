/**
 * The per-file step the workers run (src/pipeline/drop.ts) on real files, without Redis: two
 * processes' views of the book (SyncedBookState) over one work folder judge a participant's files
 * as the embedded ingest does; a file already gone is nothing to do; a file waiting for its
 * trailer when the book closes is judged again with the lists closed; the close's arrivals are
 * waited for until their place in the inbox is free.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { loadBook, recordInbox } from '../src/pipeline/book';
import { arrivalsInInboxes, closeOnly } from '../src/pipeline/close';
import { ingestDrop, WORKER_POISON_ATTEMPTS } from '../src/pipeline/drop';
import { ingestInbox } from '../src/pipeline/ingest';
import { SyncedBookState } from '../src/pipeline/synced-book-state';
import { writeClaim } from '../src/io/claims';
import { dLine, fileText, hkid, hLine, offering, participants } from './unit/validate/fixture';
import { readTree, tempDir } from './unit/refund/cli-harness';

const actor = { command: 'test', operator: 'tester' };
const roots: string[] = [];
afterAll(() => { for (const r of roots) rmSync(r, { recursive: true, force: true }); });

function setup() {
  const root = tempDir('drop');
  roots.push(root);
  const inbox = path.join(root, 'inbox');
  const work = path.join(root, 'work');
  mkdirSync(path.join(inbox, 'BRK001'), { recursive: true });
  mkdirSync(work);
  return { root, inbox, work };
}

const f1 = fileText([dLine({ ref: 'R1', id: hkid('A', '100001') }), dLine({ ref: 'R2', id: hkid('A', '100002') })], hLine('BRK001', 'CLEARING', '1'));
const f2 = fileText([dLine({ ref: 'R1', id: hkid('A', '100003') }), dLine({ ref: 'R3', id: hkid('A', '100004') })], hLine('BRK001', 'CLEARING', '2'));
const f3 = fileText([dLine({ ref: 'R9', id: hkid('A', '100005') })], hLine('BRK001', 'CLEARING', '1')); // replays file_seq 1

test('two workers\' views of the book over one folder judge files as the embedded ingest does', async () => {
  const ref = setup();
  for (const [n, t] of [['f1.csv', f1], ['f2.csv', f2], ['f3.csv', f3]] as const) writeFileSync(path.join(ref.inbox, 'BRK001', n), t);
  await ingestInbox({ offering, participants, inboxDir: ref.inbox, workDir: ref.work });

  const d = setup();
  for (const [n, t] of [['f1.csv', f1], ['f2.csv', f2], ['f3.csv', f3]] as const) writeFileSync(path.join(d.inbox, 'BRK001', n), t);
  const a = new SyncedBookState(d.work);
  const b = new SyncedBookState(d.work);
  const env = (book: SyncedBookState) => ({ offering, participants, workDir: d.work, book });
  const r1 = await ingestDrop({ inbox: d.inbox, folder: 'BRK001', name: 'f1.csv' }, env(a));
  const r2 = await ingestDrop({ inbox: d.inbox, folder: 'BRK001', name: 'f2.csv' }, env(b));
  const r3 = await ingestDrop({ inbox: d.inbox, folder: 'BRK001', name: 'f3.csv' }, env(a));
  expect([r1.outcome, r2.outcome, r3.outcome]).toEqual(['ACCEPTED', 'ACCEPTED', 'FILE_REJECTED']);
  expect(readFileSync(path.join(d.work, 'outbox/BRK001/f2.csv.ack.csv'), 'utf8')).toContain('R1,REJECTED,REF_REUSED');
  expect(readTree(path.join(d.work, 'outbox'))).toEqual(readTree(path.join(ref.work, 'outbox')));
});

test('a file no longer in the inbox: nothing to do, and a claim it left is removed', async () => {
  const d = setup();
  await writeClaim(d.work, { folder: 'BRK001', file_name: 'gone.csv', sha256: 'a'.repeat(64) });
  const r = await ingestDrop({ inbox: d.inbox, folder: 'BRK001', name: 'gone.csv' }, { offering, participants, workDir: d.work, book: new SyncedBookState(d.work) });
  expect(r).toEqual({ folder: 'BRK001', file_name: 'gone.csv', outcome: 'GONE' });
  expect(readTree(path.join(d.work, 'claims')).size).toBe(0);
});

test('a file waiting for its trailer: left while the book is open; judged FILE_INCOMPLETE once it closed, even mid-read', async () => {
  const d = setup();
  const partial = [hLine('BRK001', 'CLEARING', '1'), dLine({ ref: 'P1', id: hkid('P', '100001') })].join('\n') + '\n';
  writeFileSync(path.join(d.inbox, 'BRK001', 'partial.csv'), partial);
  await recordInbox(d.work, await loadBook(d.work, offering, actor, true), d.inbox, actor);
  const book = new SyncedBookState(d.work);
  const drop = { inbox: d.inbox, folder: 'BRK001', name: 'partial.csv' };
  expect((await ingestDrop(drop, { offering, participants, workDir: d.work, book })).outcome).toBe('INCOMPLETE');
  // The book closes while the file is being read.
  const r = await ingestDrop(drop, {
    offering, participants, workDir: d.work, book,
    onStep: async (step) => { if (step === 'claimed') await closeOnly(d.work, offering, actor); },
  });
  expect([r.outcome, 'reason_code' in r ? r.reason_code : null]).toEqual(['FILE_REJECTED', 'FILE_INCOMPLETE']);
  expect(readFileSync(path.join(d.work, 'outbox/BRK001/partial.csv.ack.csv'), 'utf8')).toContain('FILE_INCOMPLETE');
});

test('the close\'s arrivals are waited for until their place in the inbox is free, changed or not', async () => {
  const d = setup();
  writeFileSync(path.join(d.inbox, 'BRK001', 'f1.csv'), f1);
  writeFileSync(path.join(d.inbox, 'BRK001', 'f2.csv'), f2);
  await recordInbox(d.work, await loadBook(d.work, offering, actor, true), d.inbox, actor);
  const { l, closedNow } = await closeOnly(d.work, offering, actor);
  expect(closedNow).toBe(true);
  expect((await closeOnly(d.work, offering, actor)).closedNow).toBe(false);
  expect((await arrivalsInInboxes(l)).map((w) => w.arrival.name)).toEqual(['f1.csv', 'f2.csv']);
  // f2 touched after the close: still waited for (a worker may be committing what it read before).
  const later = new Date(Date.now() + 5000);
  utimesSync(path.join(d.inbox, 'BRK001', 'f2.csv'), later, later);
  const book = new SyncedBookState(d.work);
  await ingestDrop({ inbox: d.inbox, folder: 'BRK001', name: 'f1.csv' }, { offering, participants, workDir: d.work, book });
  expect((await arrivalsInInboxes(l)).map((w) => w.arrival.name)).toEqual(['f2.csv']);
  const r2 = await ingestDrop({ inbox: d.inbox, folder: 'BRK001', name: 'f2.csv' }, { offering, participants, workDir: d.work, book });
  expect('reason_code' in r2 ? r2.reason_code : null).toBe('BOOK_CLOSED');
  expect(await arrivalsInInboxes(l)).toEqual([]);
});

test('the poison guard for workers: a file that stopped 2 workers is read again, one that stopped 3 is quarantined', async () => {
  const d = setup();
  writeFileSync(path.join(d.inbox, 'BRK001', 'f1.csv'), f1);
  writeFileSync(path.join(d.inbox, 'BRK001', 'f2.csv'), f2);
  const sha = (t: string) => createHash('sha256').update(t).digest('hex');
  await writeClaim(d.work, { folder: 'BRK001', file_name: 'f1.csv', sha256: sha(f1), attempts: 2 });
  await writeClaim(d.work, { folder: 'BRK001', file_name: 'f2.csv', sha256: sha(f2), attempts: WORKER_POISON_ATTEMPTS });
  const env = { offering, participants, workDir: d.work, book: new SyncedBookState(d.work) };
  expect((await ingestDrop({ inbox: d.inbox, folder: 'BRK001', name: 'f1.csv' }, env)).outcome).toBe('ACCEPTED');
  const r2 = await ingestDrop({ inbox: d.inbox, folder: 'BRK001', name: 'f2.csv' }, env);
  expect([r2.outcome, 'reason_code' in r2 ? r2.reason_code : null]).toEqual(['FILE_REJECTED', 'FILE_UNPROCESSABLE']);
});
