import { poolOf, sizePools, splitTranche } from '../../../src/allocate/pools';
import { sampleOffering } from './builders';

const offering = sampleOffering();

describe('pools', () => {
  it('puts consideration at the maximum price of HK$5,000,000 or less in A (Decimal compare)', () => {
    expect(poolOf(1_253_000, offering)).toBe('A'); // 4,999,470.00
    expect(poolOf(1_254_000, offering)).toBe('B'); // 5,003,460.00
    const exact = sampleOffering((o) => ({ ...o, price: { maximum: '5.00', minimum: '4.00' } }));
    expect(poolOf(1_000_000, exact)).toBe('A'); // exactly 5,000,000.00
    expect(poolOf(1_000_001, exact)).toBe('B');
  });

  it('splits in half in whole lots, A taking the odd lot (6745: 35,213,000)', () => {
    expect(splitTranche(35_213_000, 1000)).toEqual({ A: 17_607_000, B: 17_606_000 });
    expect(splitTranche(150_000_000, 1000)).toEqual({ A: 75_000_000, B: 75_000_000 });
    expect(splitTranche(1000, 1000)).toEqual({ A: 1000, B: 0 });
  });

  it('moves unused shares to the other pool as far as it can use them', () => {
    expect(sizePools({ A: 50, B: 50 }, { A: 10, B: 200 })).toEqual({ A: 10, B: 90 });
    expect(sizePools({ A: 50, B: 50 }, { A: 200, B: 0 })).toEqual({ A: 100, B: 0 });
    expect(sizePools({ A: 50, B: 50 }, { A: 70, B: 20 })).toEqual({ A: 70, B: 30 });
    expect(sizePools({ A: 50, B: 50 }, { A: 10, B: 20 })).toEqual({ A: 50, B: 50 });
    expect(sizePools({ A: 50, B: 50 }, { A: 60, B: 70 })).toEqual({ A: 50, B: 50 });
  });
});
