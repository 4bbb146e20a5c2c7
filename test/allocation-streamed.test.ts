/**
 * Issue 9: the allocation in bounded memory (compact book, two passes, streamed files,
 * pipeline/allocation-files.ts) writes exactly the bytes of the in-memory derivation
 * (deriveAllocationOutputs / deriveLapseOutputs over every StoredInstruction), on the sample book
 * (reused instruction_refs: a participant's rows held and reordered; manual refunds heading
 * refunds.csv; multiple applications) and on generated books with planted faults and multiple
 * applications, allocated and lapsed, with and without a ballot policy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FileSinks, HashSinks } from '../src/io/output-sinks';
import { readStoredInstructions } from '../src/io/store';
import { loadOfferingFile, loadParticipantsFile } from '../src/io/config-files';
import { deriveAllocationOutputs, deriveLapseOutputs } from '../src/pipeline/allocate';
import { deriveAllocation, deriveLapse, readCompactBook, splitPoint, writeAllocationFiles, BookDerivation } from '../src/pipeline/allocation-files';
import { MANIFEST_NAME, sha256Hex } from '../src/refund/manifest';
import type { OutputFiles } from '../src/refund/output-files';
import { demandOfCompactBook, demandOfInstructions, demandShares } from '../src/pipeline/book-demand';
import { copyInbox, OFFERING, PARTICIPANTS, ROOT, runCli, tempDir } from './unit/refund/cli-harness';

const offering = loadOfferingFile(OFFERING);

async function ingest(inbox: string, participants: string): Promise<string> {
  const work = tempDir('streamed-work');
  const r = await runCli(['ingest', '--offering', OFFERING, '--participants', participants, '--inbox', inbox, '--work', work, '--close-lists']);
  expect(r.code).toBe(0);
  return work;
}

async function compare(work: string, expected: OutputFiles, derived: BookDerivation): Promise<void> {
  // On one thread, and with the second half of the book rendered on another (as from 100,000 instructions).
  for (const threads of [0, 1]) {
    const dir = path.join(tempDir('streamed-out'), 'allocation');
    const written = await writeAllocationFiles(work, derived, await FileSinks.prepare(dir, MANIFEST_NAME), undefined, threads);
    expect(written.files.map((f) => f.name)).toEqual(expected.files.map((f) => f.name));
    for (const f of expected.files) {
      expect({ threads, name: f.name, text: readFileSync(path.join(dir, f.name), 'utf8') }).toEqual({ threads, name: f.name, text: f.content });
      expect(written.files.find((w) => w.name === f.name)!.sha256).toBe(sha256Hex(f.content));
    }
    // No part or temporary file is left beside the outputs.
    expect(readdirSync(dir).sort()).toEqual(expected.files.map((f) => f.name).sort());
    // The hashing sinks (verify) agree with the files.
    const hashed = await writeAllocationFiles(work, derived, new HashSinks(), undefined, threads);
    expect(hashed.files).toEqual(written.files);
  }
  expect(derived.summary).toEqual(expected.summary);
}

async function checkBook(work: string, participants: string, price: string, seed: string): Promise<void> {
  const registry = loadParticipantsFile(participants);
  const instructions = await readStoredInstructions(work);
  const read = await readCompactBook(work);
  expect(read.book.count).toBe(instructions.length);
  // status, preview and provisional read the book's demand from the compact book: the same figures.
  expect(demandOfCompactBook(read.book)).toEqual(demandOfInstructions(instructions));
  // Pass 1 with the second half of the files read on another thread (as from 100,000 instructions): the same book.
  expect(await readCompactBook(work, undefined, 1)).toEqual(read);
  expect(await readCompactBook(work, undefined, 0)).toEqual(read);
  const policy = { A: { first_row_pct: '5.00' } } as const;
  for (const ballotPolicy of [null, policy]) {
    const p = { offering, registry, finalPrice: price, seed, reallocateShares: null, ballotPolicy };
    await compare(work, deriveAllocationOutputs(instructions, p), deriveAllocation(read, p));
  }
  const lapse = { offering, registry, reason: 'conditions not fulfilled' };
  await compare(work, deriveLapseOutputs(instructions, lapse), deriveLapse(read, lapse));
}

describe('streamed allocation = in-memory allocation, byte for byte', () => {
  test('the sample book (reused refs held and reordered, manual refunds first, multiples)', async () => {
    const inbox = tempDir('streamed-inbox');
    copyInbox(path.join(ROOT, 'samples/inbox'), inbox);
    const work = await ingest(inbox, PARTICIPANTS);
    const read = await readCompactBook(work);
    // The sample book exercises the held path: some participant's refs are not in store order.
    expect(Array.from(read.book.order).some((i, r) => i !== r)).toBe(true);
    expect(read.book.manual.length).toBeGreaterThan(0);
    // The book splits between participants for the second thread.
    expect(splitPoint(read.book)).toBeGreaterThan(0);
    expect(splitPoint(read.book)).toBeLessThan(read.book.count);
    // The sample book's demand, as status shows it (73 records in 14 files; summary.json: 44 valid, 4 multiple, 263,170,000 shares).
    const demand = demandOfCompactBook(read.book);
    expect({ ...demand, quantities: undefined, shares: demandShares(demand) }).toEqual({
      instructions: { accepted: 48, rejected: 25 }, valid: 44, multiple: 4, quantities: undefined, shares: 263_170_000,
    });
    await checkBook(work, PARTICIPANTS, '3.85', 'samples-2021');
  }, 60_000);

  test.each([
    ['faults and multiples', ['--error-rate', '0.08', '--multiple-rate', '0.05'], '3.85'],
    ['clean, highest price', [], '3.99'],
  ])('a generated book: %s', async (_name, extra, price) => {
    const out = path.join(tempDir('streamed-gen'), 'book');
    const g = await runCli(['generate', '--offering', OFFERING, '--instructions', '6000', '--seed', `streamed-${_name}`, '--out', out, '--participants-count', '12', '--records-per-file', '120', ...extra]);
    expect(g.code).toBe(0);
    const participants = path.join(out, 'participants.csv');
    const work = await ingest(path.join(out, 'inbox'), participants);
    await checkBook(work, participants, price, 'streamed');
  }, 120_000);
});
