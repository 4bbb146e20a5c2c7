import { NO_REFUND, placeRefunds, refundFits, UNDETERMINED } from '../../../src/publish/refund-matching';

describe('refund matching inside a reused reference', () => {
  it('fits reasons to statuses; an unknown reason fits any', () => {
    expect(refundFits('ALLOTTED', 'PRICE_ADJUSTMENT')).toBe(true);
    expect(refundFits('ALLOTTED', 'PARTIAL')).toBe(true);
    expect(refundFits('ALLOTTED', 'REJECTED')).toBe(false);
    expect(refundFits('REJECTED', 'REJECTED')).toBe(true);
    expect(refundFits('UNSUCCESSFUL', 'UNSUCCESSFUL')).toBe(true);
    expect(refundFits('UNSUCCESSFUL', 'REJECTED')).toBe(false);
    expect(refundFits('REJECTED', 'LAPSED')).toBe(true);
  });

  it('places the sample book\'s BRK001 B1-0002 pair: allotted (price adjustment), then REF_REUSED (rejected)', () => {
    expect(placeRefunds(['ALLOTTED', 'REJECTED'], ['PRICE_ADJUSTMENT', 'REJECTED'])).toEqual([0, 1]);
  });

  it('places a refund on the only row it fits, leaving the other without one', () => {
    // Allotted in full at the maximum price (no refund), then a rejected reuse.
    expect(placeRefunds(['ALLOTTED', 'REJECTED'], ['REJECTED'])).toEqual([NO_REFUND, 0]);
    expect(placeRefunds(['REJECTED', 'ALLOTTED'], ['PARTIAL'])).toEqual([NO_REFUND, 0]);
  });

  it('says UNDETERMINED where two rows could take the same refund', () => {
    // Two rejected rows, one refund: either row could be the one whose amount could not be read.
    expect(placeRefunds(['REJECTED', 'REJECTED'], ['REJECTED'])).toEqual([UNDETERMINED, UNDETERMINED]);
    expect(placeRefunds(['ALLOTTED', 'REJECTED', 'REJECTED'], ['PRICE_ADJUSTMENT', 'REJECTED'])).toEqual([0, UNDETERMINED, UNDETERMINED]);
  });

  it('is null when the refunds cannot all be placed in order', () => {
    expect(placeRefunds(['REJECTED'], ['REJECTED', 'REJECTED'])).toBeNull();
    expect(placeRefunds(['REJECTED', 'ALLOTTED'], ['PARTIAL', 'REJECTED'])).toBeNull();
    expect(placeRefunds(['REJECTED', 'REJECTED'], ['PARTIAL'])).toBeNull();
  });
});
