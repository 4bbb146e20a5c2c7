import { ConfigInvalidError } from '../../../src/domain/errors';
import { buildRefundRows, formatManualRef, formatRefundRef, refundLedgerContext } from '../../../src/refund/refunds';
import { settleInstructions } from '../../../src/refund/settlement';
import type { StoredInstruction } from '../../../src/domain/types';
import type { Allocation } from '../../../src/domain/allocation';
import { allocationOf, instruction, registry, rejected, sampleOffering } from './book-builders';

const fees = sampleOffering().fees;
const LEDGER = { currency: 'HKD', value_date: '2021-12-29' };
function refundsFor(instructions: StoredInstruction[], allocation: Allocation = allocationOf({}), multiples = new Set<string>()) {
  return buildRefundRows(settleInstructions({ instructions, multiples, allocation, finalPrice: '3.85', fees }), registry(), LEDGER);
}
/** The contract's nine columns only (spec: outputs.md); the ledger columns are checked on their own. */
const contract = ({ refund_ref, participant_id, instruction_ref, channel, method, payee_account, payee_name, amount, reason }: Record<string, string>) =>
  ({ refund_ref, participant_id, instruction_ref, channel, method, payee_account, payee_name, amount, reason });

describe('refunds.csv rows', () => {
  test('CCASS channels: DIRECT_CREDIT to the designated bank account in the participant name', () => {
    const rows = refundsFor([instruction('BRK001', 'B1', 2000), instruction('CUS001', 'C1', 1000)], allocationOf({ 'BRK001/B1': ['A', 0], 'CUS001/C1': ['A', 1000] }));
    expect(rows.map(contract)).toEqual([
      { refund_ref: 'R00000001', participant_id: 'BRK001', instruction_ref: 'B1', channel: 'CLEARING', method: 'DIRECT_CREDIT', payee_account: '004-001-000123456', payee_name: 'Harbour Securities Limited', amount: '8060.42', reason: 'UNSUCCESSFUL' },
      { refund_ref: 'R00000002', participant_id: 'CUS001', instruction_ref: 'C1', channel: 'CUSTODIAN', method: 'DIRECT_CREDIT', payee_account: '003-888-100200300', payee_name: 'Victoria Custodian Bank', amount: '141.42', reason: 'PRICE_ADJUSTMENT' },
    ]);
  });

  test('a participant name that looks like a formula is neutralised', () => {
    const [row] = refundsFor([instruction('INV001', 'I1', 1000)], allocationOf({ 'INV001/I1': ['A', 0] }));
    expect(row).toMatchObject({ method: 'DIRECT_CREDIT', payee_name: "'=cmd|calc", channel: 'INVESTOR' });
  });

  // 3,000 paid 12,090.62 at 3.99; 1,000 kept 3,888.79 and 2,000 kept 7,777.60 (7,700 + 77.00 + 0.21 + 0.39) at 3.85.
  test('WHITE_FORM: E_REFUND to the refund account, else CHEQUE; payee is the applicant', () => {
    const rows = refundsFor(
      [
        instruction('WFE001', 'W1', 3000, { refund_account: '004-123-456789', applicant_name: '陳大文' }),
        instruction('WFE001', 'W2', 3000, { applicant_name: 'LEE, Siu "Ming"' }),
        rejected('WFE001', 'W3', 'REFUND_ACCOUNT_INVALID', { refund_account: '004-12-345', applicant_name: '+Eve' }),
      ],
      allocationOf({ 'WFE001/W1': ['A', 1000], 'WFE001/W2': ['A', 2000] }),
    );
    expect(rows.map((r) => [r.instruction_ref, r.method, r.payee_account, r.payee_name, r.amount, r.reason])).toEqual([
      ['W1', 'E_REFUND', '004-123-456789', '陳大文', '8201.83', 'PARTIAL'],
      ['W2', 'CHEQUE', '', 'LEE, Siu "Ming"', '4313.02', 'PARTIAL'],
      ['W3', 'CHEQUE', '', "'+Eve", '4030.21', 'REJECTED'],
    ]);
  });

  test('reasons: REJECTED at ingest and as a multiple application; nothing for a zero refund; a MANUAL row for an unreadable amount', () => {
    const rows = refundsFor(
      [
        rejected('BRK001', 'A1', 'OUTSIDE_WINDOW'),
        instruction('BRK001', 'A2', 1000),
        rejected('BRK001', 'A3', 'AMOUNT_INVALID', { amount_paid: null, amount_paid_text: 'abc' }),
        rejected('BRK001', 'A4', 'AMOUNT_INCORRECT', { amount_paid: '0.00', amount_paid_text: '0.00' }),
      ],
      allocationOf({}),
      new Set(['BRK001/A2']),
    );
    expect(rows.map((r) => [r.refund_ref, r.instruction_ref, r.method, r.amount, r.reason, r.reason_code, r.manual_reason, r.amount_paid_text])).toEqual([
      ['M00000001', 'A3', 'MANUAL', '', 'REJECTED', 'AMOUNT_INVALID', 'AMOUNT_NOT_MONEY', 'abc'],
      ['R00000001', 'A1', 'DIRECT_CREDIT', '4030.21', 'REJECTED', 'OUTSIDE_WINDOW', '', ''],
      ['R00000002', 'A2', 'DIRECT_CREDIT', '4030.21', 'REJECTED', 'MULTIPLE_APPLICATION', '', ''],
    ]);
  });

  test('ledger columns: file_seq and line tell apart two refunds under one reused ref; currency and value date on every row', () => {
    const rows = refundsFor(
      [
        instruction('BRK001', 'B1', 1000, { file_seq: 1, line: 4 }),
        rejected('BRK001', 'B1', 'REF_REUSED', { file_seq: 2, line: 3 }),
        rejected('WFE001', 'W1', 'AMOUNT_INVALID', { amount_paid: null, amount_paid_text: '-5.00', refund_account: '004-123-456789' }),
        rejected('WFE001', 'W2', 'OUTSIDE_WINDOW', { amount_paid: null, amount_paid_text: '=1+1' }),
      ],
      allocationOf({ 'BRK001/B1': ['A', 1000] }),
    );
    expect(rows.map((r) => [r.refund_ref, r.instruction_ref, r.file_seq, r.line, r.currency, r.value_date, r.method, r.payee_account, r.amount, r.reason, r.reason_code, r.amount_paid_text])).toEqual([
      ['M00000001', 'W1', '1', '2', 'HKD', '2021-12-29', 'MANUAL', '004-123-456789', '', 'REJECTED', 'AMOUNT_INVALID', '-5.00'],
      ['M00000002', 'W2', '1', '2', 'HKD', '2021-12-29', 'MANUAL', '', '', 'REJECTED', 'OUTSIDE_WINDOW', "'=1+1"],
      ['R00000001', 'B1', '1', '4', 'HKD', '2021-12-29', 'DIRECT_CREDIT', '004-001-000123456', '141.42', 'PRICE_ADJUSTMENT', '', ''],
      ['R00000002', 'B1', '2', '3', 'HKD', '2021-12-29', 'DIRECT_CREDIT', '004-001-000123456', '4030.21', 'REJECTED', 'REF_REUSED', ''],
    ]);
  });

  test('the value date is the refund dispatch date, moved by bad weather; empty without after_close', () => {
    const offering = sampleOffering();
    expect(refundLedgerContext(offering)).toEqual({ currency: 'HKD', value_date: '2021-12-29' });
    // A black rainstorm over the last day's noon moves the last day to the next business day (Fri 24 Dec),
    // so every after-close date moves one business day: Wed 29 Dec -> Thu 30 Dec.
    const stormy = { ...offering, timetable: { ...offering.timetable, bad_weather: [{ signal: 'BLACK_RAINSTORM' as const, from: '2021-12-23T08:00', to: '2021-12-23T13:00' }] } };
    expect(refundLedgerContext(stormy).value_date).toBe('2021-12-30');
    const { after_close: _dropped, ...timetable } = offering.timetable;
    const undated = { ...offering, timetable };
    expect(refundLedgerContext(undated)).toEqual({ currency: 'HKD', value_date: null });
    const rows = buildRefundRows(settleInstructions({ instructions: [rejected('BRK001', 'A1', 'OUTSIDE_WINDOW')], multiples: new Set(), allocation: allocationOf({}), finalPrice: '3.85', fees }), registry(), refundLedgerContext(undated));
    expect(rows[0]!.value_date).toBe('');
  });

  test('refund_ref is zero padded so text order is number order', () => {
    expect(formatRefundRef(1)).toBe('R00000001');
    expect(formatRefundRef(12345678)).toBe('R12345678');
    expect(formatRefundRef(9) < formatRefundRef(10)).toBe(true);
    expect(formatManualRef(1)).toBe('M00000001');
    expect(formatManualRef(99) < formatRefundRef(1)).toBe(true);
  });

  test('a CCASS participant missing from the registry stops the run (configuration)', () => {
    expect(() => refundsFor([rejected('ZZZ001', 'Z1', 'OUTSIDE_WINDOW')])).toThrow(ConfigInvalidError);
  });
});
