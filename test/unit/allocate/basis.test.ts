import { approxPctAllotted, describeBasis } from '../../../src/allocate/basis';

describe('basis wording (an allotment results announcement)', () => {
  it.each([
    [{ count: 46373, base_lots: 2, winners: 0 }, '2,000 shares'],
    [{ count: 46373, base_lots: 0, winners: 2731 }, '2,731 out of 46,373 applicants to receive 1,000 shares'],
    [{ count: 9000, base_lots: 5, winners: 1211 }, '5,000 shares plus 1,211 out of 9,000 applicants to receive an additional 1,000 shares'],
    [{ count: 12, base_lots: 0, winners: 0 }, '0 out of 12 applicants to receive 1,000 shares'],
    [{ count: 30, base_lots: 40, winners: 0 }, '40,000 shares'],
  ])('%j -> %s', (row, text) => expect(describeBasis(row, 1000)).toBe(text));

  it('rounds the percentage half-up to two decimals', () => {
    expect(approxPctAllotted(1586_000, 31_717_000)).toBe('5.00');
    expect(approxPctAllotted(1, 8)).toBe('12.50');
    expect(approxPctAllotted(1, 800)).toBe('0.13'); // 0.125
    expect(approxPctAllotted(5000, 5000)).toBe('100.00');
  });
});
