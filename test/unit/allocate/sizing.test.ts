import { UsageError } from '../../../src/domain/errors';
import { Decimal } from '../../../src/money/money';
import { checkFinalPrice, formatSubscriptionMultiple, sizeTranche } from '../../../src/allocate/sizing';
import { sampleOffering } from './builders';

const offering = sampleOffering();
const initial = 150_000_000;
const at = (multipleHundredths: number) => (initial / 100) * multipleHundredths;
const price = (p: string) => new Decimal(p);

describe('clawback tiers (0020: 15x 30%, 50x 40%, 100x 50% of 1,500,000,000)', () => {
  it.each([
    [1499, null, 150_000_000, '14.99'],
    [1500, '30', 450_000_000, '15.00'],
    [4999, '30', 450_000_000, '49.99'],
    [5000, '40', 600_000_000, '50.00'],
    [10000, '50', 750_000_000, '100.00'],
    [22758, '50', 750_000_000, '227.58'],
  ])('multiple %i/100 -> tier %s, tranche %i', (hundredths, pct, tranche, text) => {
    const s = sizeTranche(at(hundredths), offering, price('3.99'));
    expect(s.clawback?.hong_kong_pct ?? null).toBe(pct);
    expect(s.final_hong_kong_shares).toBe(tranche);
    expect(s.subscription_multiple).toBe(text);
    expect(s.reallocated_shares).toBe(0);
    expect(s.shortfall_to_international_shares).toBe(0);
  });

  it('one share short of 15x is no clawback', () => {
    expect(sizeTranche(15 * initial - 1000, offering, price('3.99')).clawback).toBeNull();
  });

  it('rounds the tranche down to whole board lots', () => {
    const odd = sampleOffering((o) => ({ ...o, tranches: { ...o.tranches, offer_shares: 1_500_001_500, international_initial: 1_350_001_500 } }));
    // 30% of 1,500,001,500 = 450,000,450 -> 450,000,000
    expect(sizeTranche(at(1500), odd, price('3.99')).final_hong_kong_shares).toBe(450_000_000);
  });
});

describe('subscription multiple', () => {
  it('is rounded half-up to two decimals, as the announcements print it', () => {
    // Demand and initial tranche of real announcements (the fixtures' tables): printed 227.58x,
    // 1,563.16x, 356.86x, 3,646.06x, 19.67x and 8.65x, where rounding down gave 227.57x, 1,563.15x, 356.85x.
    expect(formatSubscriptionMultiple(8_013_633_000, 35_213_000)).toBe('227.58');
    expect(formatSubscriptionMultiple(23_373_135_000, 14_952_500)).toBe('1563.16');
    expect(formatSubscriptionMultiple(885_112_600, 2_480_300)).toBe('356.86');
    expect(formatSubscriptionMultiple(5_120_530_600, 1_404_400)).toBe('3646.06');
    expect(formatSubscriptionMultiple(190_369_800, 9_678_000)).toBe('19.67');
    expect(formatSubscriptionMultiple(10_276_700, 1_187_600)).toBe('8.65');
  });
  it('rounds exactly half a hundredth up and anything below it down', () => {
    expect(formatSubscriptionMultiple(1, 200)).toBe('0.01');
    expect(formatSubscriptionMultiple(1, 201)).toBe('0.00');
    expect(formatSubscriptionMultiple(2_999, 200)).toBe('15.00');
    expect(formatSubscriptionMultiple(1, 3)).toBe('0.33');
    expect(formatSubscriptionMultiple(2, 3)).toBe('0.67');
    expect(formatSubscriptionMultiple(0, 3)).toBe('0.00');
  });
  it('prints 15.00x for 14.995x, and the tier still judges the exact multiple (no clawback)', () => {
    const s = sizeTranche(14.995 * initial, offering, price('3.99'));
    expect(s.subscription_multiple).toBe('15.00');
    expect(s.clawback).toBeNull();
  });
});

describe('undersubscription', () => {
  it('reports the shortfall to the international offering', () => {
    const s = sizeTranche(100_000_000, offering, price('3.99'));
    expect(s).toEqual({
      initial_hong_kong_shares: initial, subscription_multiple: '0.67', demand_shares: 100_000_000, clawback: null,
      reallocated_shares: 0, final_hong_kong_shares: initial, shortfall_to_international_shares: 50_000_000,
    });
  });
});

describe('discretionary reallocation (0020: up to 300,000,000 in all, only at 3.85)', () => {
  const demand = at(1000); // 10x
  it('adds the shares to the tranche', () => {
    const s = sizeTranche(demand, offering, price('3.85'), 150_000_000);
    expect(s.final_hong_kong_shares).toBe(300_000_000);
    expect(s.reallocated_shares).toBe(150_000_000);
    expect(s.clawback).toBeNull();
  });
  it('treats 0 as none requested', () => {
    expect(sizeTranche(demand, offering, price('3.99'), 0).final_hong_kong_shares).toBe(initial);
  });
  it.each([
    ['above the cap', demand, '3.85', 150_001_000, /above the maximum 300000000/],
    ['price not the required one', demand, '3.90', 1_000_000, /needs the final price to be 3.85/],
    ['multiple reaches the first tier', at(1500), '3.85', 1_000_000, /clawback tier/],
    ['not whole lots', demand, '3.85', 1_500, /board lots/],
    ['not oversubscribed', initial, '3.85', 1_000_000, /not oversubscribed/],
  ])('refuses: %s', (_what, d, p, shares, message) => {
    const call = () => sizeTranche(d, offering, price(p), shares);
    expect(call).toThrow(UsageError);
    expect(call).toThrow(message);
  });
  it('refuses when the offering has no reallocation', () => {
    const none = sampleOffering((o) => ({ ...o, reallocation: undefined }));
    expect(() => sizeTranche(demand, none, price('3.85'), 1_000_000)).toThrow(UsageError);
  });
});

describe('reallocation rules as configured', () => {
  const demand = at(1000); // 10x, below the first tier
  const anyPrice = sampleOffering((o) => ({ ...o, reallocation: { max_hong_kong_shares: 300_000_000, only_below_first_tier: true } }));
  it('without required_final_price, any final price in the range will do', () => {
    expect(sizeTranche(demand, anyPrice, price('3.99'), 150_000_000).final_hong_kong_shares).toBe(300_000_000);
    expect(sizeTranche(demand, anyPrice, price('3.90'), 1_000).final_hong_kong_shares).toBe(150_001_000);
  });
  it('only_below_first_tier left out behaves as true (the 2021 rule)', () => {
    const implicit = sampleOffering((o) => ({ ...o, reallocation: { max_hong_kong_shares: 900_000_000, required_final_price: '3.85' } }));
    expect(() => sizeTranche(at(1500), implicit, price('3.85'), 1_000_000)).toThrow(/clawback tier/);
  });
  it('only_below_first_tier false: on top of the tier reached, capped in all (2025 Mechanism A)', () => {
    const onTop = sampleOffering((o) => ({ ...o, reallocation: { max_hong_kong_shares: 600_000_000, only_below_first_tier: false } }));
    // 15x tier: 30% of 1,500,000,000 = 450,000,000; plus 100,000,000 reallocated.
    const s = sizeTranche(at(1500), onTop, price('3.99'), 100_000_000);
    expect(s.clawback).toEqual({ min_multiple: 15, hong_kong_pct: '30' });
    expect(s.reallocated_shares).toBe(100_000_000);
    expect(s.final_hong_kong_shares).toBe(550_000_000);
    expect(() => sizeTranche(at(1500), onTop, price('3.99'), 150_001_000)).toThrow(/Hong Kong tranche 600001000, above the maximum 600000000/);
    // Below the first tier it still starts from the initial tranche.
    expect(sizeTranche(demand, onTop, price('3.99'), 100_000_000).final_hong_kong_shares).toBe(250_000_000);
  });
});

describe('final price', () => {
  it.each(['3.85', '3.99', '3.9', '3.850'])('accepts %s', (p) => expect(checkFinalPrice(p, offering).toString()).toBe(new Decimal(p).toString()));
  it.each(['3.84', '4.00', '3.991', 'abc', '', '-3.90'])('refuses %s', (p) => expect(() => checkFinalPrice(p, offering)).toThrow(UsageError));
});
