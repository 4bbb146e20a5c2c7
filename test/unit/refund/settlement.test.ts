import { InvariantError } from '../../../src/domain/errors';
import { amountPayableText } from '../../../src/money/amount-payable';
import { settleInstructions, SettlementInput } from '../../../src/refund/settlement';
import { allocationOf, instruction, rejected, sampleOffering } from './book-builders';

const fees = sampleOffering().fees;
const settle = (over: Partial<SettlementInput>) =>
  settleInstructions({ instructions: [], multiples: new Set(), allocation: allocationOf({}), finalPrice: '3.85', fees, ...over });

describe('amount payable, kept and refund (docs/money.md)', () => {
  test('the spec figures: 1,000 shares are 4,030.21 at HK$3.99 and 3,888.79 at HK$3.85', () => {
    expect(amountPayableText(1000, '3.99', fees)).toBe('4030.21');
    expect(amountPayableText(1000, '3.85', fees)).toBe('3888.79');
  });

  test('1,000 shares fully allotted at 3.85: keeps 3,888.79, refunds 141.42 as PRICE_ADJUSTMENT', () => {
    const [s] = settle({ instructions: [instruction('BRK001', 'R1', 1000)], allocation: allocationOf({ 'BRK001/R1': ['A', 1000] }) });
    expect(s!.status).toBe('ALLOTTED');
    expect(s!.pool).toBe('A');
    expect(s!.amount_paid!.toFixed(2)).toBe('4030.21');
    expect(s!.amount_kept.toFixed(2)).toBe('3888.79');
    expect(s!.refund!.toFixed(2)).toBe('141.42');
    expect(s!.refund_reason).toBe('PRICE_ADJUSTMENT');
  });

  test('fully allotted at the maximum price: no refund (19,950 + 199.50 + 0.54 + 1.00)', () => {
    const [s] = settle({ finalPrice: '3.99', instructions: [instruction('BRK001', 'R1', 5000)], allocation: allocationOf({ 'BRK001/R1': ['A', 5000] }) });
    expect(s!.amount_kept.toFixed(2)).toBe('20151.04');
    expect(s!.refund!.toFixed(2)).toBe('0.00');
    expect(s!.refund_reason).toBeNull();
  });

  test('10,000 applied, 1,000 allotted at 3.85: PARTIAL refund 40,302.08 - 3,888.79 = 36,413.29', () => {
    const [s] = settle({ instructions: [instruction('CUS001', 'C1', 10000)], allocation: allocationOf({ 'CUS001/C1': ['A', 1000] }) });
    expect(s!.amount_paid!.toFixed(2)).toBe('40302.08');
    expect(s!.refund!.toFixed(2)).toBe('36413.29');
    expect(s!.refund_reason).toBe('PARTIAL');
  });

  test('nothing allotted: UNSUCCESSFUL, the whole amount back', () => {
    const [s] = settle({ instructions: [instruction('INV001', 'I1', 2000)], allocation: allocationOf({ 'INV001/I1': ['A', 0] }) });
    expect(s!.status).toBe('UNSUCCESSFUL');
    expect(s!.amount_kept.toFixed(2)).toBe('0.00');
    expect(s!.refund!.toFixed(2)).toBe('8060.42');
    expect(s!.refund_reason).toBe('UNSUCCESSFUL');
  });

  test('the offering lapsed (no final price): nothing kept, the whole amount back as LAPSED; rejected ones stay REJECTED', () => {
    const [ok, bad] = settle({
      finalPrice: null,
      instructions: [instruction('CUS001', 'C1', 10000), rejected('CUS001', 'C2', 'OUTSIDE_WINDOW', { amount_paid_text: '123.45', amount_paid: '123.45' })],
      allocation: allocationOf({ 'CUS001/C1': ['A', 0] }),
    });
    expect(ok).toMatchObject({ status: 'UNSUCCESSFUL', reason_code: 'OFFERING_LAPSED', pool: 'A', shares_allotted: 0, refund_reason: 'LAPSED' });
    expect(ok!.refund!.toFixed(2)).toBe('40302.08');
    expect(ok!.amount_kept.toFixed(2)).toBe('0.00');
    expect(bad).toMatchObject({ status: 'REJECTED', reason_code: 'OUTSIDE_WINDOW', refund_reason: 'REJECTED' });
  });

  test('rejected at ingest: pool empty, refund is the amount paid as given', () => {
    const [s] = settle({ instructions: [rejected('BRK001', 'X1', 'OUTSIDE_WINDOW', { amount_paid_text: '123.45', amount_paid: '123.45' })] });
    expect(s).toMatchObject({ status: 'REJECTED', reason_code: 'OUTSIDE_WINDOW', pool: null, shares_allotted: 0, refund_reason: 'REJECTED' });
    expect(s!.refund!.toFixed(2)).toBe('123.45');
  });

  test('rejected with an amount that is not money: manual refund (refund null)', () => {
    const [s] = settle({ instructions: [rejected('BRK001', 'X1', 'AMOUNT_INVALID', { amount_paid_text: '4030.2', amount_paid: null })] });
    expect(s!.refund).toBeNull();
    expect(s!.refund_reason).toBeNull();
  });

  test('multiple application: REJECTED MULTIPLE_APPLICATION, no pool, full refund', () => {
    const [s] = settle({ instructions: [instruction('BRK001', 'M1', 1000)], multiples: new Set(['BRK001/M1']) });
    expect(s).toMatchObject({ status: 'REJECTED', reason_code: 'MULTIPLE_APPLICATION', pool: null, refund_reason: 'REJECTED' });
    expect(s!.refund!.toFixed(2)).toBe('4030.21');
  });

  test('results order: participant_id, instruction_ref, then file_seq and line', () => {
    const out = settle({
      instructions: [
        rejected('WFE001', 'A', 'NAME_INVALID'), rejected('BRK001', 'B', 'REF_REUSED', { file_seq: 2, line: 3 }),
        rejected('BRK001', 'B', 'ID_INVALID', { file_seq: 1, line: 9 }), rejected('BRK001', 'B', 'ID_INVALID', { file_seq: 1, line: 4 }), rejected('BRK001', 'A', 'ID_INVALID'),
      ],
    });
    expect(out.map((s) => `${s.key}@${s.instruction.file_seq}:${s.instruction.line}`)).toEqual([
      'BRK001/A@1:2', 'BRK001/B@1:4', 'BRK001/B@1:9', 'BRK001/B@2:3', 'WFE001/A@1:2',
    ]);
  });

  test('broken invariants throw InvariantError', () => {
    expect(() => settle({ instructions: [instruction('BRK001', 'R1', 1000)] })).toThrow(InvariantError);
    expect(() => settle({ instructions: [instruction('BRK001', 'R1', 1000)], allocation: allocationOf({ 'BRK001/R1': ['A', 2000] }) })).toThrow(InvariantError);
    expect(() => settle({ allocation: allocationOf({ 'BRK001/R9': ['A', 1000] }) })).toThrow(InvariantError);
    // Paid less than the amount kept (impossible after ingest's amount check).
    const cheap = instruction('BRK001', 'R1', 1000, { amount_paid: '100.00', amount_paid_text: '100.00' });
    expect(() => settle({ instructions: [cheap], allocation: allocationOf({ 'BRK001/R1': ['A', 1000] }) })).toThrow(InvariantError);
  });
});
