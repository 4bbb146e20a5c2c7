/**
 * Regressions from an independent acceptance pass over the ingest side, written to the contract
 * (/work/shared/spec/instruction-file.md): windows to the second per channel (HK time, Z, offsets),
 * bad weather, blank last lines, trailer totals, and the exact bytes of the acknowledgement.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingestInbox } from '../../src/pipeline/ingest';
import { streamStoredFile, listStoredFiles } from '../../src/io/store';
import { ackHeaderLine, ackLine, ackLines, ackRowOf } from '../../src/validate/ack-rows';
import { addToControlTotals, compareControlTotals, emptyControlTotals, totalAmount } from '../../src/ingest/control-totals';
import { dLine, fileCode, fileText, hLine, offering, participants, runFile } from '../unit/validate/fixture';
import type { Offering } from '../../src/offering/schema';

const statuses = async (text: string, o: { folder?: string; offering?: Offering } = {}) =>
  (await runFile(text, o)).details.map((d) => [d.fields.instruction_ref, d.rejection?.code ?? 'ACCEPTED']);

describe('acceptance windows to the second (spec: Acceptance windows)', () => {
  const ccass: [string, string, boolean][] = [
    ['a', '2021-12-20T08:59:59', false], ['b', '2021-12-20T09:00:00', true], ['c', '2021-12-20T01:00:00Z', true],
    ['d', '2021-12-20T00:59:59Z', false], ['e', '2021-12-20T09:00:00+08:00', true], ['f', '2021-12-20T20:30:00', true],
    ['g', '2021-12-20T20:30:01', false], ['h', '2021-12-21T07:59:59', false], ['i', '2021-12-21T08:00:00', true],
    ['j', '2021-12-21T20:30:00+08:00', true], ['k', '2021-12-21T12:30:01Z', false], ['l', '2021-12-23T12:00:00', true],
    ['m', '2021-12-23T12:00:01', false], ['n', '2021-12-23T04:00:00Z', true], ['o', '2021-12-23T04:00:01Z', false],
    ['p', '2021-12-18T10:00:00', false], ['q', '2021-12-22T08:00:00-04:00', true], ['r', '2021-12-22T12:00:00-04:00', false],
    ['s', '2021-12-25T10:00:00', false],
  ];
  it.each(['CLEARING', 'CUSTODIAN'])('%s: Mon 09:00-20:30, Tue/Wed 08:00-20:30, Thu 08:00-12:00, no weekend', async (type) => {
    const folder = type === 'CLEARING' ? 'BRK001' : 'CUS001';
    const text = fileText(ccass.map(([ref, t]) => dLine({ ref, input_time: t })), hLine(folder, type));
    expect(await statuses(text, { folder })).toEqual(ccass.map(([ref, , ok]) => [ref, ok ? 'ACCEPTED' : 'OUTSIDE_WINDOW']));
  });

  it('WHITE_FORM: input until Thu 11:30:00, payment until 12:00:00', async () => {
    const cases: [string, string, string, string][] = [
      ['a', '2021-12-23T11:30:00', '2021-12-23T12:00:00', 'ACCEPTED'], ['b', '2021-12-23T11:30:01', '2021-12-23T11:31:00', 'OUTSIDE_WINDOW'],
      ['c', '2021-12-23T11:00:00', '2021-12-23T12:00:01', 'PAYMENT_LATE'], ['d', '2021-12-23T03:30:00Z', '2021-12-23T04:00:00Z', 'ACCEPTED'],
      ['e', '2021-12-25T10:00:00', '2021-12-25T10:00:00', 'OUTSIDE_WINDOW'], ['f', '2021-12-20T09:00:00', '2021-12-20T09:00:00', 'ACCEPTED'],
    ];
    const text = fileText(cases.map(([ref, t, p]) => dLine({ ref, input_time: t, payment: p }, 'WHITE_FORM')), hLine('WFE001', 'WHITE_FORM'));
    expect(await statuses(text, { folder: 'WFE001' })).toEqual(cases.map(([ref, , , code]) => [ref, code]));
  });

  it('bad weather on Thu 23 moves the last day to Fri 24 (same last-day times); 23 becomes an ordinary day', async () => {
    const bw: Offering = { ...offering, timetable: { ...offering.timetable, bad_weather: [{ signal: 'T8', from: '2021-12-23T06:00:00+08:00', to: '2021-12-23T12:30:00+08:00' }] } } as Offering;
    const cases: [string, string, boolean][] = [
      ['a', '2021-12-23T12:00:01', true], ['b', '2021-12-23T20:30:01', false], ['c', '2021-12-24T07:59:59', false],
      ['d', '2021-12-24T08:00:00', true], ['e', '2021-12-24T12:00:00', true], ['f', '2021-12-24T12:00:01', false],
    ];
    const text = fileText(cases.map(([ref, t]) => dLine({ ref, input_time: t })));
    expect(await statuses(text, { offering: bw })).toEqual(cases.map(([ref, , ok]) => [ref, ok ? 'ACCEPTED' : 'OUTSIDE_WINDOW']));
  });
});

describe('blank last lines (spec: Encoding, "a blank last line is tolerated")', () => {
  const body = fileText([dLine()]);
  it.each([['empty', '\n'], ['CRLF', '\r\n'], ['spaces', '  \n'], ['a tab, no line end', '\t'], ['spaces then empty', ' \n\n']])('%s after the trailer is tolerated', async (_n, tail) => {
    expect(await fileCode(body + tail)).toBe('accepted');
  });
  it('a blank (spaces only) line followed by a record is still RECORD_TYPE_UNKNOWN at the blank line', async () => {
    expect(await fileCode([hLine(), dLine(), '   ', `T,1,1000,4030.21`].join('\n') + '\n')).toEqual({ code: 'RECORD_TYPE_UNKNOWN', line: 3 });
  });
});

describe('control totals: cents fast path equals the exact decimal sum', () => {
  it('sums d+.dd amounts and other decimal amounts exactly', () => {
    const t = emptyControlTotals();
    for (const a of ['4030.21', '8060.42', '16120.8', '0.05', '-1.005', 'abc', '']) addToControlTotals(t, '1000', a);
    expect(totalAmount(t).toFixed(3)).toBe('28210.475');
    const trailer = { line: 9, record_count: 7n, total_shares: 7000n, total_amount: '28210.47' };
    expect(compareControlTotals(t, trailer)).toMatchObject({ code: 'TRAILER_AMOUNT_MISMATCH', line: 9, detail: expect.stringContaining('sum to 28210.48') });
  });
  it('a trailer written 8060.42 over one 2,000-share record is accepted; 8000.42 is TRAILER_AMOUNT_MISMATCH at the trailer line', async () => {
    const d = dLine({ shares: '2000' });
    expect(await fileCode([hLine(), d, 'T,1,2000,8060.42'].join('\n'))).toBe('accepted');
    expect(await fileCode([hLine(), d, 'T,1,2000,8000.42'].join('\n'))).toEqual({ code: 'TRAILER_AMOUNT_MISMATCH', line: 3 });
  });
});

describe('the acknowledgement of an accepted file', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(path.join(tmpdir(), 'ack-bytes-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('has exact bytes, and equals the ack rendered row by row from the store (many rows, every kind)', async () => {
    const names = ['陳大文', 'WONG, Siu "Ming"', '=SUM(A1)', 'CHAN Tai Man'];
    const details: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const base = { ref: `R-${i}`, name: names[i % names.length]! };
      if (i % 7 === 3) details.push(dLine({ ...base, input_time: '2021-12-23T12:00:01' }));
      else if (i % 11 === 5) details.push(dLine({ ...base, ref: `=R${i}` }));
      else if (i % 13 === 6) details.push(dLine(base) + ',');
      else details.push(dLine(base));
    }
    const inbox = path.join(tmp, 'inbox');
    mkdirSync(path.join(inbox, 'BRK001'), { recursive: true });
    writeFileSync(path.join(inbox, 'BRK001', 'big.csv'), '\uFEFF' + fileText(details, hLine(), '\r\n'));
    const work = path.join(tmp, 'work');
    const report = await ingestInbox({ offering, participants, inboxDir: inbox, workDir: work });
    expect(report.files[0]).toMatchObject({ outcome: 'ACCEPTED', records: 3000 });
    const ack = readFileSync(path.join(work, 'outbox/BRK001/big.csv.ack.csv'), 'utf8');
    const [meta] = await listStoredFiles(work);
    let fromStore = ackHeaderLine();
    for await (const si of streamStoredFile(work, 'BRK001', meta!.file_sha256)) fromStore += ackLine(ackRowOf(si));
    expect(ack).toBe(fromStore);
    const lines = ack.split('\n');
    expect(lines[0]).toBe('line,instruction_ref,status,reason_code,detail');
    expect(lines).toHaveLength(3002);
    expect(lines[1]).toBe('2,R-0,ACCEPTED,,');
    expect(lines[4]).toBe('5,R-3,REJECTED,OUTSIDE_WINDOW,"input_time ""2021-12-23T12:00:01"" is outside the channel\'s acceptance window (2021-12-23 12:00:01 HKT, CLEARING)"');
    expect(lines[6]).toBe(`7,'=R5,REJECTED,REF_INVALID,"instruction_ref ""=R5"" is not 1-32 letters, digits or hyphens"`);
    expect(lines[7]).toBe('8,R-6,REJECTED,FIELD_COUNT,record does not have the 12 fields of a D record (13 fields)');
    expect(lines[3001]).toBe('');
    expect(readdirSync(path.join(work, 'outbox/BRK001'))).toEqual(['big.csv.ack.csv']);
  });

  it('ackLines over many rows is byte-identical to ackLine per row', () => {
    const rows = ['a,b', 'c"d', '=x', '-1', 'plain', '陳'].map((detail, i) => ({ line: i + 2, instruction_ref: `R${i}`, status: 'REJECTED' as const, reason_code: 'X', detail }));
    expect(ackLines(rows)).toBe(rows.map(ackLine).join(''));
    expect(ackLines([])).toBe('');
  });
});

describe('a file still being written (spec: Where files arrive, "a file may still be growing")', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(path.join(tmpdir(), 'growing-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('whose trailer arrives between the hash and the parse is left in the inbox, then taken whole', async () => {
    const inbox = path.join(tmp, 'inbox');
    const work = path.join(tmp, 'work');
    const file = path.join(inbox, 'BRK001', 'day1.csv');
    mkdirSync(path.dirname(file), { recursive: true });
    const full = fileText([dLine({ ref: 'G1' }), dLine({ ref: 'G2', id: 'B234567(1)' })]);
    const cut = full.indexOf('\nT,') + 1;
    writeFileSync(file, full.slice(0, cut));
    const first = await ingestInbox({ offering, participants, inboxDir: inbox, workDir: work, beforeParse: () => writeFileSync(file, full) });
    expect(first.files.map((f) => f.outcome)).toEqual(['INCOMPLETE']);
    expect(readFileSync(file, 'utf8')).toBe(full);
    expect(await listStoredFiles(work)).toEqual([]);
    const second = await ingestInbox({ offering, participants, inboxDir: inbox, workDir: work });
    expect(second.files.map((f) => [f.outcome, f.accepted])).toEqual([['ACCEPTED', 2]]);
    const { createHash } = await import('node:crypto');
    expect((await listStoredFiles(work))[0]!.file_sha256).toBe(createHash('sha256').update(full).digest('hex'));
  });
});
