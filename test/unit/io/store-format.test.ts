/**
 * Issue 9: the store's format 2 (rows without the file's constants), its round trip, a work folder
 * written in format 1 still read by every reader, and the order of durability: the lines and
 * the meta are fsynced before either is renamed into place, the lines first.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { StoredInstruction } from '../../../src/domain/types';
import { checkStore, listStoredFiles, openStoredFileWriter, readStoredFileMeta, readStoredInstructions, streamStoredFileBatches } from '../../../src/io/store';
import { commitStoredFile, discardStoredFile, observeStoreOperations, StoredLinesWriter, StoreOperation } from '../../../src/io/store-writer';
import { decodeStoredLines, decodeStoredLinesTransient, decodeStoredRow, encodeStoredRow, storedLines } from '../../../src/io/stored-row';
import { StoreBookState } from '../../../src/pipeline/book-state';
import { ingestInbox } from '../../../src/pipeline/ingest';
import { dLine, fileText, hLine, offering, participants } from '../validate/fixture';

let tmp: string;
beforeEach(() => { tmp = mkdtempSync(path.join(tmpdir(), 'store-format-')); });
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const SHA = 'a'.repeat(64);
function instruction(i: number, over: Partial<StoredInstruction> = {}): StoredInstruction {
  return {
    participant_id: 'BRK001', channel: 'CLEARING', file_seq: 3, file_sha256: SHA, file_name: 'day1.csv', line: i + 2,
    instruction_ref: `R-${i}`, input_time: '2021-12-20T09:00:00', applicant_ids: ['HKID:A1234563'], applicant_name: 'CHAN Tai Man',
    shares_text: '1000', shares: 1000, amount_paid_text: '4030.21', amount_paid: '4030.21', stock_account: 'BRK001-0001',
    refund_account: '', payment_time: '', status: 'ACCEPTED', reason_code: null, detail: '', ...over,
  };
}

describe('store format 2', () => {
  it('a row is written as JSON.stringify would write it and read back field for field, escapes included', () => {
    const text = fc.string({ unit: 'binary' });
    fc.assert(fc.property(text, text, fc.array(text, { maxLength: 4 }), fc.option(fc.integer({ min: 0, max: 10 ** 15 })), fc.option(text), fc.boolean(), (ref, name, ids, shares, amount, rejected) => {
      const si = instruction(1, { instruction_ref: ref, applicant_name: name, applicant_ids: ids, shares, amount_paid: amount, status: rejected ? 'REJECTED' : 'ACCEPTED', reason_code: rejected ? 'REF_REUSED' : null, detail: rejected ? name : '' });
      const line = encodeStoredRow(si);
      expect(line).toBe(JSON.stringify([si.line, si.instruction_ref, si.input_time, si.applicant_ids, si.applicant_name, si.shares_text, si.shares, si.amount_paid_text, si.amount_paid, si.stock_account, si.refund_account, si.payment_time, si.reason_code, si.detail]) + '\n');
      expect(decodeStoredRow(JSON.parse(line), si, 'x')).toEqual(si);
    }), { numRuns: 300 });
  });

  it('the transient reader (pass 2, without JSON.parse) reads what JSON.parse reads, escapes, odd numbers and faults included', () => {
    const text = fc.string({ unit: 'binary' });
    const row = fc.tuple(text, text, fc.array(text, { maxLength: 3 }), fc.option(fc.integer({ min: 0, max: 10 ** 16 })), fc.option(text), fc.boolean()).map(([ref, name, ids, shares, amount, rejected]) =>
      encodeStoredRow(instruction(1, { instruction_ref: ref, applicant_name: name, applicant_ids: ids, shares, amount_paid: amount, status: rejected ? 'REJECTED' : 'ACCEPTED', reason_code: rejected ? 'REF_REUSED' : null, detail: rejected ? name : '' })));
    const plain = fc.constantFrom(...[0, 1, 2, 3].map((i) => encodeStoredRow(instruction(i, i === 2 ? { applicant_ids: [], shares: null } : {}))));
    // Valid JSON in another shape than the writer's (JSON.parse reads it), and lines that are not instructions.
    const odd = fc.constantFrom(
      '[2, "R-1","t",["x"],"n","1000",1000,"4030.21","4030.21","s","","",null,""]', '[2,"R-1","t",["x"],"n","1000",1e3,"4030.21","4030.21","s","","",null,""]',
      '[2,"R-1","t",["x"],"n","1000",1000.5,"4030.21","4030.21","s","","",null,""]', '[02,"R-1","t",["x"],"n","1000",1000,"4030.21","4030.21","s","","",null,""]',
      '[2,"R-1","t",["x"],"n","1000",-1000,"4030.21","4030.21","s","","",null,""]', '[2,"R-1","t",["x"],"n","1000",12345678901234567,"4030.21","4030.21","s","","",null,""]',
      '[2,"R-1","t",["x"],"n","1000",1000,"4030.21","4030.21","s","","",null,""] ', '[2,"R-1","t",["x"],"n","1000",1000,"4030.21","4030.21","s","","",null,"",""]',
      '[2,"R-1","t",["x"],"n","1000",1000,"4030.21","4030.21","s","","",null]', '[2,"R-\u0041","t",["x",],"n","1000",1000,"4030.21","4030.21","s","","",null,""]',
      '[2,"R-1","t",["x" ,"y"],"n","1000",1000,"4030.21","4030.21","s","","",nul,""]', '[2,"R-1\t","t",[],"n","1000",true,"4030.21","4030.21","s","","",null,""]',
      '[2,"R-1","t",["x"],"n","1000",1000,"4030.21","4030.21","s","","",null,""\r', '[2,"R\t","t",["x"],"n","1000",1000,"4030.21","4030.21","s","","",null,""]\r',
      '{"line":2}', '[2,"R-1"', '',
    );
    const outcome = (f: () => unknown) => {
      try {
        return { ok: f() };
      } catch (e) {
        return { error: `${(e as Error).name}: ${(e as Error).message}` };
      }
    };
    fc.assert(fc.property(fc.array(fc.oneof(row, plain, odd.map((l) => `${l}\n`)), { maxLength: 6 }), fc.boolean(), (lines, lastLf) => {
      let t = lines.join('');
      if (!lastLf) t = t.replace(/\n$/, '');
      const file = instruction(0);
      const split = storedLines(Buffer.from(t));
      expect(split).toEqual(t.split('\n').filter((l) => l !== ''));
      expect(outcome(() => decodeStoredLinesTransient(split, 2, file, 'f.jsonl'))).toEqual(outcome(() => decodeStoredLines(split, 2, file, 'f.jsonl')));
    }), { numRuns: 500 });
  });

  it('a committed file: format 2 named in its meta, the lines hash recorded, a fifth of format 1 bytes', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => instruction(i, i % 7 === 0 ? { status: 'REJECTED', reason_code: 'OUTSIDE_WINDOW', detail: 'input_time "x" is outside' } : {}));
    const w = await openStoredFileWriter(tmp, 'BRK001', SHA);
    for (const r of rows) await w.write(r);
    const meta = await w.commit({ participant_id: 'BRK001', channel: 'CLEARING', file_name: 'day1.csv', file_seq: 3, file_sha256: SHA, records: 50, accepted: 42, rejected: 8 });
    expect(meta.store_format).toBe(2);
    const lines = readFileSync(path.join(tmp, 'store/files/BRK001', `${SHA}.jsonl`));
    expect(meta.jsonl_sha256).toBe(createHash('sha256').update(lines).digest('hex'));
    const v1Bytes = rows.map((r) => JSON.stringify(r) + '\n').join('').length;
    expect(lines.length * 3).toBeLessThan(v1Bytes);
    expect(await readStoredInstructions(tmp)).toEqual(rows);
    expect((await readStoredFileMeta(tmp, 'BRK001', SHA))?.store_format).toBe(2);
  });

  it('refuses to commit instructions of another file than the meta says', async () => {
    const w = await openStoredFileWriter(tmp, 'BRK001', SHA);
    await w.write(instruction(1, { file_name: 'other.csv' }));
    await expect(w.commit({ participant_id: 'BRK001', channel: 'CLEARING', file_name: 'day1.csv', file_seq: 3, file_sha256: SHA, records: 1, accepted: 1, rejected: 0 })).rejects.toThrow('do not belong');
  });
});

describe('a work folder written in format 1 (before issue 9)', () => {
  function writeV1(): StoredInstruction[] {
    const rows = Array.from({ length: 5 }, (_, i) => instruction(i));
    const dir = path.join(tmp, 'store/files/BRK001');
    mkdirSync(dir, { recursive: true });
    const text = rows.map((r) => JSON.stringify(r) + '\n').join('');
    writeFileSync(path.join(dir, `${SHA}.jsonl`), text);
    const meta = { participant_id: 'BRK001', channel: 'CLEARING', file_name: 'day1.csv', file_seq: 3, file_sha256: SHA, records: 5, accepted: 5, rejected: 0, jsonl_sha256: createHash('sha256').update(text).digest('hex') };
    writeFileSync(path.join(dir, `${SHA}.meta.json`), JSON.stringify(meta, null, 2) + '\n');
    return rows;
  }

  it('is read by every reader: all instructions, streamed, checked, and the book state', async () => {
    const rows = writeV1();
    expect(await readStoredInstructions(tmp)).toEqual(rows);
    const streamed: StoredInstruction[] = [];
    for await (const b of streamStoredFileBatches(tmp, 'BRK001', SHA)) streamed.push(...b);
    expect(streamed).toEqual(rows);
    expect(await checkStore(tmp)).toEqual([]);
    expect((await listStoredFiles(tmp))[0]?.store_format).toBeUndefined();
    const book = await StoreBookState.load(tmp);
    expect([...(await book.usedRefs('BRK001'))]).toEqual(rows.map((r) => r.instruction_ref));
    expect(await book.isFileSeqAccepted('BRK001', 3)).toBe(true);
  });

  it('an ingest on top of it: a ref of the old file is REF_REUSED, the new file is stored in format 2', async () => {
    writeV1();
    const inbox = path.join(tmp, 'inbox');
    mkdirSync(path.join(inbox, 'BRK001'), { recursive: true });
    writeFileSync(path.join(inbox, 'BRK001/day2.csv'), fileText([dLine({ ref: 'R-2' }), dLine({ ref: 'NEW-1' })], hLine('BRK001', 'CLEARING', '4')));
    const r = await ingestInbox({ offering, participants, inboxDir: inbox, workDir: tmp });
    expect(r.totals).toMatchObject({ accepted_files: 1, accepted_records: 1, rejected_records: 1 });
    const metas = await listStoredFiles(tmp);
    expect(metas.map((m) => m.store_format)).toEqual([undefined, 2]);
    expect((await readStoredInstructions(tmp)).map((s) => [s.instruction_ref, s.reason_code])).toEqual([...['R-0', 'R-1', 'R-2', 'R-3', 'R-4'].map((x) => [x, null]), ['R-2', 'REF_REUSED'], ['NEW-1', null]]);
  });
});

describe('durability order', () => {
  it('each file: lines and meta fsynced under temporary names, the lines renamed into place, then the meta; the meta never exists before its lines', async () => {
    const inbox = path.join(tmp, 'inbox');
    for (const [p, f] of [['BRK001', 'a.csv'], ['BRK001', 'b.csv'], ['BRK002', 'c.csv']] as const) {
      mkdirSync(path.join(inbox, p), { recursive: true });
      const seq = f === 'b.csv' ? '2' : '1';
      writeFileSync(path.join(inbox, p, f), fileText([dLine({ ref: `${p}-${f.slice(0, 1)}` })], hLine(p, 'CLEARING', seq)));
    }
    const ops: (StoreOperation & { linesInPlace?: boolean; metaExisted?: boolean })[] = [];
    const stop = observeStoreOperations((op) => {
      const dir = path.dirname(op.file);
      const sha = path.basename(op.file).replace(/^\./, '').slice(0, 64);
      ops.push({ ...op, file: sha, linesInPlace: existsSync(path.join(dir, `${sha}.jsonl`)), metaExisted: existsSync(path.join(dir, `${sha}.meta.json`)) });
    });
    try {
      const r = await ingestInbox({ offering, participants, inboxDir: inbox, workDir: path.join(tmp, 'work'), threads: 0 });
      expect(r.totals.accepted_files).toBe(3);
    } finally {
      stop();
    }
    const shas = [...new Set(ops.map((o) => o.file))];
    expect(shas).toHaveLength(3);
    for (const sha of shas) {
      const mine = ops.filter((o) => o.file === sha);
      expect(mine.map((o) => o.op)).toEqual(['lines-synced', 'meta-synced', 'lines-renamed', 'meta-written']);
      expect(mine.map((o) => o.metaExisted)).toEqual([false, false, false, true]);
      expect(mine.map((o) => o.linesInPlace)).toEqual([false, false, true, true]);
    }
    // Nothing left under a temporary name.
    const store = path.join(tmp, 'work', 'store', 'files');
    const names = readdirSync(store).flatMap((p) => readdirSync(path.join(store, p)));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.meta.json'))).toHaveLength(3);
  });

  it('a meta prepared for other counts than the commit names is discarded and the right one written', async () => {
    const lines = StoredLinesWriter.open(tmp, 'BRK001', SHA);
    lines.write(instruction(0));
    const base = { participant_id: 'BRK001', channel: 'CLEARING' as const, file_seq: 3, file_sha256: SHA, file_name: 'day1.csv', records: 1, accepted: 1, rejected: 0 };
    const prepared = await lines.finish({ ...base, accepted: 0, rejected: 1 });
    expect(existsSync(prepared.meta_tmp!)).toBe(true);
    const meta = await commitStoredFile(tmp, prepared, base);
    expect(meta).toMatchObject({ accepted: 1, rejected: 0, store_format: 2 });
    expect(await readStoredFileMeta(tmp, 'BRK001', SHA)).toEqual(meta);
    expect(existsSync(prepared.meta_tmp!)).toBe(false);
    expect(readdirSync(path.join(tmp, 'store', 'files', 'BRK001')).sort()).toEqual([`${SHA}.jsonl`, `${SHA}.meta.json`]);
  });

  it('prepared lines and meta discarded: nothing of the file is left', async () => {
    const lines = StoredLinesWriter.open(tmp, 'BRK001', SHA);
    lines.write(instruction(0));
    const prepared = await lines.finish({ participant_id: 'BRK001', channel: 'CLEARING', file_seq: 3, file_sha256: SHA, file_name: 'day1.csv', records: 1, accepted: 1, rejected: 0 });
    expect(readdirSync(path.join(tmp, 'store', 'files', 'BRK001'))).toHaveLength(2);
    await discardStoredFile(prepared);
    expect(readdirSync(path.join(tmp, 'store', 'files', 'BRK001'))).toEqual([]);
  });
});
