import { UsageError } from '../../../src/domain/errors';
import { REFUND_COLUMNS } from '../../../src/refund/output-columns';
import { parseHkAccount } from '../../../src/treasury/hk-account';
import { IssuanceLedger } from '../../../src/treasury/issuance';
import { indexLedgerHeader, readLedgerRow } from '../../../src/treasury/ledger-row';
import { PaymentRun, PaymentRunParameters } from '../../../src/treasury/payment-run';

const idx = indexLedgerHeader(REFUND_COLUMNS);
type Cells = Partial<Record<(typeof REFUND_COLUMNS)[number], string>>;
function row(ref: string, over: Cells = {}) {
  const base: Cells = {
    refund_ref: ref, participant_id: 'BRK001', instruction_ref: `I-${ref}`, channel: 'CLEARING', method: 'DIRECT_CREDIT',
    payee_account: '004-001-000123456', payee_name: 'Harbour Securities Limited', amount: '100.00', reason: 'UNSUCCESSFUL',
    file_seq: '1', line: '2', currency: 'HKD', value_date: '2021-12-29', reason_code: '', manual_reason: '', amount_paid_text: '',
  };
  const all = { ...base, ...over };
  return readLedgerRow(REFUND_COLUMNS.map((c) => all[c] ?? ''), idx, 2);
}
const wf = (ref: string, over: Cells = {}) => row(ref, { participant_id: 'WFE001', channel: 'WHITE_FORM', method: 'E_REFUND', payee_account: '012-345-678901', payee_name: '陳小明', ...over });
const manual = (ref: string) => row(ref, { method: 'MANUAL', amount: '', manual_reason: 'AMOUNT_NOT_MONEY', amount_paid_text: '16120.8' });

function params(over: Partial<PaymentRunParameters> = {}): PaymentRunParameters {
  return {
    run: 1, stock_code: '0020', issuer: 'SenseTime Group Inc.', created_at: '2021-12-28T17:30:00+08:00',
    debtor: { name: 'Registrar', account: parseHkAccount('004-500-123456789')!, bic: null }, batch_by: 'instruction', value_date: null,
    cheques: { first: '0099', last: null }, only: null, returning: new Map(), ...over,
  };
}

function runAll(rows: ReturnType<typeof row>[], p = params(), ledger = new IssuanceLedger()) {
  const run = new PaymentRun(p, ledger, idx);
  const outs = rows.map((r) => run.accept(r));
  const batched = run.finish();
  return { run, outs, batched, ledger };
}

describe('a payment run, row by row', () => {
  test('per instruction: one transaction per transfer refund, cheques numbered from the start given (width kept), manual rows listed', () => {
    const { run, outs, ledger } = runAll([manual('M00000001'), row('R00000001'), wf('R00000002'), wf('R00000003', { method: 'CHEQUE', payee_account: '' }), wf('R00000004', { method: 'CHEQUE', payee_account: '' })]);
    expect(outs.map((o) => Object.keys(o!).sort().join('+'))).toEqual(['events+manual', 'advice+events+xml', 'advice+events+xml', 'cheque+events', 'cheque+events']);
    expect(outs[3]!.cheque).toBe('0099,R00000003,WFE001,I-R00000003,1,2,陳小明,,,,,100.00,HKD,2021-12-29,UNSUCCESSFUL\n');
    expect(outs[4]!.cheque!.startsWith('0100,R00000004,')).toBe(true);
    expect(outs[0]!.manual).toBe('M00000001,BRK001,I-M00000001,CLEARING,MANUAL,004-001-000123456,Harbour Securities Limited,,UNSUCCESSFUL,1,2,HKD,2021-12-29,,AMOUNT_NOT_MONEY,16120.8\n');
    expect(outs[2]!.events).toBe('ISSUED,R00000002,R00000002,E_REFUND,100.00,2021-12-29,,\n');
    expect([...run.blocks.values()]).toEqual([{ value_date: '2021-12-29', msg_id: '0020-20211229-RUN0001', currency: 'HKD', transactions: 2, refunds: 2, cents: 20000n }]);
    expect(run.cheques).toMatchObject({ rows: 2, cents: 20000n, first: '0099', last: '0100' });
    expect(ledger.outstanding).toEqual({ rows: 4, cents: 40000n });
    expect(ledger.listedRows).toBe(1);
  });

  test('batched per participant: one credit per participant and value date, the advice keeps each refund under the batch id', () => {
    const { run, outs, batched } = runAll(
      [row('R00000001', { amount: '100.00' }), row('R00000002', { amount: '0.05' }), row('R00000003', { participant_id: 'CUS001', payee_account: '003-888-100200300', payee_name: 'Victoria' }), wf('R00000004')],
      params({ batch_by: 'participant' }),
    );
    expect(outs.map((o) => o!.xml === undefined)).toEqual([true, true, true, false]);
    expect(outs[0]!.advice!.startsWith('0020-RUN0001-BRK001,R00000001,BRK001,')).toBe(true);
    expect(outs[1]!.events).toBe('ISSUED,R00000002,0020-RUN0001-BRK001,DIRECT_CREDIT,0.05,2021-12-29,,\n');
    expect(batched).toHaveLength(2);
    const flat = batched[0]!.text.replace(/\n\s*/g, '');
    expect(flat).toContain('<InstrId>RUN0001-BRK001</InstrId><EndToEndId>0020-RUN0001-BRK001</EndToEndId></PmtId><Amt><InstdAmt Ccy="HKD">100.05</InstdAmt>');
    expect(flat).toContain('<Ustrd>IPO refund 0020 SenseTime Group Inc.: BRK001 2 refunds, remittance advice 0020-RUN0001-BRK001</Ustrd>');
    expect(run.blocks.get('2021-12-29')).toMatchObject({ transactions: 3, refunds: 4, cents: 30005n }); // 100.00 + 0.05 + 100.00 + 100.00
  });

  test('never twice: what is outstanding is left out, or refused when asked for by reference', () => {
    const ledger = new IssuanceLedger();
    runAll([row('R00000001'), row('R00000002')], params(), ledger);
    expect(() => runAll([row('R00000001'), row('R00000002')], params({ run: 2 }), ledger)).toThrow(/nothing to pay: all 2 automatic refunds/);
    expect(() => runAll([row('R00000001'), row('R00000002')], params({ run: 2, only: new Set(['R00000002']) }), ledger)).toThrow(/R00000002 was issued in payment run 1/);
    expect(() => runAll([row('R00000003')], params({ run: 2, only: new Set(['R00000009']) }))).toThrow(/not in refunds.csv: R00000009/);
  });

  test('a returned refund is recorded RETURNED and issued again; an e-Refund comes back as a cheque', () => {
    const ledger = new IssuanceLedger();
    runAll([row('R00000001'), wf('R00000002')], params(), ledger);
    const { outs, ledger: after } = runAll([row('R00000001'), wf('R00000002')], params({ run: 2, returning: new Map([[1, 'AC04'], [2, '']]), value_date: '2022-01-06' }), ledger);
    expect(outs[0]!.events).toBe('RETURNED,R00000001,,DIRECT_CREDIT,100.00,,,AC04\nISSUED,R00000001,R00000001,DIRECT_CREDIT,100.00,2022-01-06,,\n');
    expect(outs[1]!.events).toBe('RETURNED,R00000002,,E_REFUND,100.00,,,\nISSUED,R00000002,,CHEQUE,100.00,2022-01-06,0099,\n');
    expect(after.returned).toEqual({ rows: 2, cents: 20000n });
    expect(after.outstanding).toEqual({ rows: 2, cents: 20000n });
  });

  test('what a run cannot do is a usage error naming the refund', () => {
    expect(() => runAll([row('R00000001', { value_date: '' })])).toThrow(/R00000001 has no value date.*--value-date/);
    expect(runAll([row('R00000001', { value_date: '' })], params({ value_date: '2022-01-03' })).run.blocks.has('2022-01-03')).toBe(true);
    expect(() => runAll([wf('R00000001', { method: 'CHEQUE', payee_account: '' })], params({ cheques: null }))).toThrow(/--cheque-start/);
    expect(() => runAll([wf('R00000001', { method: 'CHEQUE' }), wf('R00000002', { method: 'CHEQUE' })], params({ cheques: { first: '7', last: '7' } }))).toThrow(/cheque numbers 7-7 run out at R00000002/);
    expect(() => runAll([row('R00000001', { payee_account: '004-001-12' })])).toThrow(UsageError);
    expect(() => runAll([row('R00000001', { payee_name: '\u0001 ' })])).toThrow(/no name/);
  });
});
