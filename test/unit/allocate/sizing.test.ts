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
  it('is rounded down to two decimals', () => {
    expect(formatSubscriptionMultiple(8_013_599_999, 35_213_000)).toBe('227.57');
    expect(formatSubscriptionMultiple(1, 3)).toBe('0.33');
    expect(formatSubscriptionMultiple(0, 3)).toBe('0.00');
  });
});

describe('undersubscription', () => {
  it('reports the shortfall to the international offering', () => {
    const s = sizeTranche(100_000_000, offering, price('3.99'));
    expect(s).toEqual({
      initial_hong_kong_shares: initial, subscription_multiple: '0.66', demand_shares: 100_000_000, clawback: null,
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

describe('final price', () => {
  it.each(['3.85', '3.99', '3.9', '3.850'])('accepts %s', (p) => expect(checkFinalPrice(p, offering).toString()).toBe(new Decimal(p).toString()));
  it.each(['3.84', '4.00', '3.991', 'abc', '', '-3.90'])('refuses %s', (p) => expect(() => checkFinalPrice(p, offering)).toThrow(UsageError));
});
