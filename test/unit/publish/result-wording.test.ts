import { REASONS } from '../../../src/domain/reasons';
import { moneyWords, rejectionWords, sharesWords, statusWords, WORDED_REASONS } from '../../../src/publish/result-wording';

describe('words for applicants', () => {
  it('has words for every reason a results.csv row can carry (record and allocation codes of the catalogue)', () => {
    const needed = REASONS.filter((r) => r.level !== 'FILE').map((r) => r.code);
    expect(needed.filter((code) => !WORDED_REASONS.includes(code))).toEqual([]);
    expect(rejectionWords('SOMETHING_NEW')).toBe('reason SOMETHING_NEW');
  });

  it('writes money and shares as an announcement does', () => {
    expect(moneyWords('302265542.25')).toBe('HK$302,265,542.25');
    expect(moneyWords('0.05')).toBe('HK$0.05');
    expect(sharesWords(75000000)).toBe('75,000,000');
    expect(sharesWords('1,500')).toBe('1,500');
    expect(sharesWords('abc')).toBe('abc');
  });

  it('words each status', () => {
    expect(statusWords({ status: 'ALLOTTED', reason_code: null, shares_applied: '2000', shares_allotted: 2000 })).toBe('Successful: 2,000 shares allotted, all the shares applied for.');
    expect(statusWords({ status: 'ALLOTTED', reason_code: null, shares_applied: '20000000', shares_allotted: 14286000 })).toBe('Partially successful: 14,286,000 of the 20,000,000 shares applied for allotted.');
    expect(statusWords({ status: 'UNSUCCESSFUL', reason_code: null, shares_applied: '1000', shares_allotted: 0 })).toBe('Unsuccessful: no shares allotted in the ballot.');
    expect(statusWords({ status: 'REJECTED', reason_code: 'OUTSIDE_WINDOW', shares_applied: '3000', shares_allotted: 0 })).toBe('Rejected: the instruction was given outside the application hours. No shares allotted.');
  });
});
