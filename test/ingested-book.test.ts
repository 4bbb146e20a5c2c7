/**
 * Issue 9: `run` allocates from the book as its ingest kept it (pipeline/ingested-book.ts), not
 * from the store read back, when the two are the same files. The book must be exactly the one
 * pass 1 reads from the store (readCompactBook): every typed array, ref, document, reason code
 * and manual refund, in store order. Checked on the sample book (reused refs, manual refunds,
 * multiple applications, rejected rows) and a generated book with planted faults, judged on this
 * thread and on worker threads; and the parts refused when the store holds other files.
 */
import * as path from 'node:path';
import { loadOfferingFile, loadParticipantsFile } from '../src/io/config-files';
import { listStoredFiles } from '../src/io/store';
import { ingestInbox } from '../src/pipeline/ingest';
import { IngestedBook, packPart, unpackPart } from '../src/pipeline/ingested-book';
import { readCompactBook } from '../src/pipeline/allocation-files';
import { CompactBookBuilder } from '../src/allocate/compact-book';
import { copyInbox, OFFERING, PARTICIPANTS, ROOT, runCli, tempDir } from './unit/refund/cli-harness';

const offering = loadOfferingFile(OFFERING);

async function ingestKeeping(inbox: string, participants: string, threads: number, work = tempDir('ingested-work')): Promise<{ work: string; ingested: IngestedBook }> {
  const ingested = new IngestedBook();
  await ingestInbox({ offering, participants: loadParticipantsFile(participants), inboxDir: inbox, workDir: work, closeLists: true, threads, ingested });
  return { work, ingested };
}

async function generated(name: string, extra: string[]): Promise<{ inbox: string; participants: string }> {
  const out = path.join(tempDir('ingested-gen'), 'book');
  const g = await runCli(['generate', '--offering', OFFERING, '--instructions', '3000', '--seed', `ingested-${name}`, '--out', out, '--participants-count', '9', '--records-per-file', '90', ...extra]);
  expect(g.code).toBe(0);
  return { inbox: path.join(out, 'inbox'), participants: path.join(out, 'participants.csv') };
}

describe('the book as ingested = the book read from the store', () => {
  test.each([0, 2])('the sample book, judged with %i threads', async (threads) => {
    const inbox = tempDir('ingested-inbox');
    copyInbox(path.join(ROOT, 'samples/inbox'), inbox);
    const { work, ingested } = await ingestKeeping(inbox, PARTICIPANTS, threads);
    const metas = await listStoredFiles(work);
    expect(ingested.files).toBe(metas.length);
    const read = await readCompactBook(work);
    // The sample book has all the cases the book keeps apart.
    expect(read.book.manual.length).toBeGreaterThan(0);
    expect(Array.from(read.book.rejected).some((r) => r === 1)).toBe(true);
    expect(Array.from(read.book.multiple).some((m) => m === 1)).toBe(true);
    expect(Array.from(read.book.order).some((i, r) => i !== r)).toBe(true);
    const kept = await readCompactBook(work, undefined, undefined, ingested);
    expect(kept).toEqual(read);
    // The parts are released once used.
    expect(ingested.files).toBe(0);
  }, 60_000);

  test.each([0, 2])('a generated book with faults and multiple applications, %i threads', async (threads) => {
    const book = await generated(`faults-${threads}`, ['--error-rate', '0.1', '--multiple-rate', '0.06']);
    const { work, ingested } = await ingestKeeping(book.inbox, book.participants, threads);
    const read = await readCompactBook(work);
    expect(read.book.count).toBeGreaterThan(2_000);
    expect(new Set(read.book.reasons).size).toBeGreaterThan(3);
    expect(ingested.bookOf(await listStoredFiles(work))).toEqual(read.book);
  }, 120_000);

  test('a store holding files this ingest did not judge is read from the store', async () => {
    const book = await generated('earlier', []);
    const work = tempDir('ingested-work');
    // An earlier ingest of one participant's files, then the rest with the parts kept.
    const first = tempDir('ingested-first');
    copyInbox(book.inbox, first);
    const folders = (await import('node:fs')).readdirSync(first).sort();
    for (const f of folders.slice(1)) (await import('node:fs')).rmSync(path.join(first, f), { recursive: true });
    await ingestInbox({ offering, participants: loadParticipantsFile(book.participants), inboxDir: first, workDir: work, closeLists: true, threads: 0 });
    const rest = tempDir('ingested-rest');
    copyInbox(book.inbox, rest);
    (await import('node:fs')).rmSync(path.join(rest, folders[0]!), { recursive: true });
    const { ingested } = await ingestKeeping(rest, book.participants, 0, work);
    const metas = await listStoredFiles(work);
    expect(ingested.files).toBeGreaterThan(0);
    expect(ingested.files).toBeLessThan(metas.length);
    const spy = jest.spyOn(ingested, 'bookOf');
    const read = await readCompactBook(work, undefined, undefined, ingested);
    expect(spy).toHaveReturnedWith(null);
    expect(read).toEqual(await readCompactBook(work));
  }, 120_000);

  test('a part packed for another thread unpacks to the same part', () => {
    const b = CompactBookBuilder.growing();
    b.addFile({ participant_id: 'B00001', channel: 'CLEARING', file_seq: 3 });
    // More than the builder's first capacity (64), texts of every length (one empty, one with Chinese, a lone surrogate, an accent,
    // a quote and a backslash), one in two rejected, one amount not money.
    for (let k = 0; k < 150; k++) {
      b.add(0, {
        line: k + 2, instruction_ref: k === 1 ? '' : k === 3 ? '許美明-\ud800\u00e9"\\' : 'R'.repeat(k % 20) + String(k), applicant_ids: k % 3 === 0 ? [] : [`HKID:A${100000 + k}(3)`, `PASSPORT:P${k}`], applicant_name: `NAME ${k}`,
        shares: k % 7 === 0 ? null : 1000 * k, amount_paid: k === 5 ? null : `${k}.05`, amount_paid_text: k === 5 ? 'ABC' : `${k}.05`, refund_account: `ACC${k}`,
        status: k % 2 === 0 ? 'ACCEPTED' : 'REJECTED', reason_code: k % 2 === 0 ? null : `CODE_${k % 5}`,
      });
    }
    const part = b.part();
    expect(part.count).toBe(150);
    expect(part.manual).toHaveLength(1);
    expect(unpackPart(packPart(part))).toEqual(part);
    // A part without any document (every instruction rejected).
    const none = CompactBookBuilder.growing();
    none.addFile({ participant_id: 'B00002', channel: 'CUSTODIAN', file_seq: 1 });
    none.add(0, { line: 2, instruction_ref: 'R-1', applicant_ids: ['HKID:A1234563'], applicant_name: 'N', shares: 1000, amount_paid: '4030.21', amount_paid_text: '4030.21', refund_account: '', status: 'REJECTED', reason_code: 'REF_REUSED' });
    const rejectedOnly = none.part();
    expect(rejectedOnly.idText).toEqual([]);
    expect(unpackPart(packPart(rejectedOnly))).toEqual(rejectedOnly);
  });
});
