import { bankAccountId, parseHkAccount } from '../../../src/treasury/hk-account';
import { batchEndToEndId, creationDateTime, instructionId, messageId, refundRemittance } from '../../../src/treasury/payment-ids';
import { formatCents, parseCents } from '../../../src/money/cents';

describe('Hong Kong accounts and payment ids', () => {
  test('NNN-NNN-N...: bank code, branch, account number; the bank books branch + number', () => {
    const a = parseHkAccount('004-001-000123456')!;
    expect(a).toEqual({ bank_code: '004', branch_code: '001', account_number: '000123456' });
    expect(bankAccountId(a)).toBe('001000123456');
    for (const bad of ['004-001-12345', '004001000123456', '04-001-123456', '004-001-1234567890123', "'=004-001-123456"]) expect(parseHkAccount(bad)).toBeNull();
  });

  test('ids fit Max35Text and name the offering, value date and run', () => {
    expect(messageId('0020', '2021-12-29', 1)).toBe('0020-20211229-RUN0001');
    expect(batchEndToEndId('00020', 12, 'ABCDEFGHIJKL')).toBe('00020-RUN0012-ABCDEFGHIJKL');
    expect(instructionId(3, 'R00000001')).toBe('RUN0003-R00000001');
    expect(() => instructionId(1, 'X'.repeat(40))).toThrow();
  });

  test('remittance names the offering and the instruction within 140 characters, the issuer shortened first', () => {
    const row = { participant_id: 'BRK001', instruction_ref: 'B1-0002', file_seq: '1', line: '3', reason: 'REJECTED' };
    expect(refundRemittance({ stockCode: '0020', issuer: 'SenseTime Group Inc.' }, row)).toBe('IPO refund 0020 SenseTime Group Inc.: BRK001 B1-0002 file 1 line 3 REJECTED');
    const long = refundRemittance({ stockCode: '0020', issuer: 'X'.repeat(300) }, { ...row, instruction_ref: 'A'.repeat(32), participant_id: 'P'.repeat(12) });
    expect(long).toHaveLength(140);
    expect(long.endsWith(`${'P'.repeat(12)} ${'A'.repeat(32)} file 1 line 3 REJECTED`)).toBe(true);
  });

  test('creation time in Hong Kong time with its offset', () => {
    expect(creationDateTime(Date.UTC(2021, 11, 28, 9, 30, 5) / 1000)).toBe('2021-12-28T17:30:05+08:00');
    expect(creationDateTime(Date.UTC(2021, 11, 28, 16, 0, 0) / 1000)).toBe('2021-12-29T00:00:00+08:00');
  });

  test('cents: exact text in and out, never a float', () => {
    expect(parseCents('4030.21')).toBe(403021n);
    expect(parseCents('0.05')).toBe(5n);
    expect(parseCents('1.5')).toBeNull();
    expect(parseCents('-1.00')).toBeNull();
    expect(formatCents(99999999999999999n)).toBe('999999999999999.99');
    expect(formatCents(5n)).toBe('0.05');
    expect(formatCents(-5n)).toBe('-0.05');
  });
});
