import { InvariantError } from '../../../src/domain/errors';
import { IssuanceEvent, IssuanceLedger, issueMethod } from '../../../src/treasury/issuance';

const ev = (event: IssuanceEvent['event'], refund_ref: string, amount = '10.00'): IssuanceEvent => ({
  event, refund_ref, end_to_end_id: refund_ref, method: 'DIRECT_CREDIT', amount: event === 'LISTED' ? '' : amount, value_date: '2021-12-29', cheque_number: '', note: '',
});

describe('issuance ledger', () => {
  test('a refund is outstanding from ISSUED to RETURNED, and the totals follow', () => {
    const l = new IssuanceLedger();
    l.apply(1, ev('ISSUED', 'R00000001', '10.00'));
    l.apply(1, ev('ISSUED', 'R00002000', '0.05'));
    expect([l.issuedRun(1), l.issuedRun(2000), l.issuedRun(2)]).toEqual([1, 1, 0]);
    expect(l.outstanding).toEqual({ rows: 2, cents: 1005n });
    l.apply(2, ev('RETURNED', 'R00000001', '10.00'));
    expect(l.issuedRun(1)).toBe(0);
    expect(l.wasReturned(1)).toBe(true);
    expect(l.outstanding).toEqual({ rows: 1, cents: 5n });
    expect(l.returned).toEqual({ rows: 1, cents: 1000n });
    l.apply(2, ev('ISSUED', 'R00000001', '10.00'));
    expect(l.issuedRun(1)).toBe(2);
  });

  test('issuing twice, returning what is not out, or listing twice contradicts the ledger', () => {
    const l = new IssuanceLedger();
    l.apply(1, ev('ISSUED', 'R00000001'));
    expect(() => l.apply(2, ev('ISSUED', 'R00000001'))).toThrow(InvariantError);
    expect(() => l.apply(2, ev('RETURNED', 'R00000002'))).toThrow(InvariantError);
    l.apply(1, ev('LISTED', 'M00000001'));
    expect(l.isListed(1)).toBe(true);
    expect(() => l.apply(2, ev('LISTED', 'M00000001'))).toThrow(InvariantError);
    expect(() => l.apply(2, ev('LISTED', 'R00000003'))).toThrow(InvariantError);
    expect(() => l.apply(2, ev('ISSUED', 'M00000002'))).toThrow(InvariantError);
    expect(() => l.apply(2, ev('ISSUED', 'X1'))).toThrow(InvariantError);
  });

  test('a returned e-Refund is issued again by cheque; other methods stay as they are', () => {
    expect(issueMethod('E_REFUND', false)).toBe('E_REFUND');
    expect(issueMethod('E_REFUND', true)).toBe('CHEQUE');
    expect(issueMethod('DIRECT_CREDIT', true)).toBe('DIRECT_CREDIT');
    expect(issueMethod('CHEQUE', true)).toBe('CHEQUE');
  });
});
