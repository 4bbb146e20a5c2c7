import { createHash } from 'node:crypto';
import { allocate, bookSha256, canonicalBookText } from '../../../src/allocate';
import { InvariantError, UsageError } from '../../../src/domain/errors';
import type { Application } from '../../../src/domain/types';
import { application, applications, sampleOffering, smallOffering } from './builders';

/** Without clawback tiers, so a small tranche stays as it is. */
const noClawback = (initial: number) => ({ ...smallOffering(initial), clawback: [] });

const run = (apps: Application[], offering = sampleOffering(), extra: { finalPrice?: string; seed?: string; reallocateShares?: number } = {}) =>
  allocate({ applications: apps, offering, finalPrice: extra.finalPrice ?? '3.99', seed: extra.seed ?? 'test-seed', reallocateShares: extra.reallocateShares });

describe('allocate: undersubscription', () => {
  it('allots every valid application in full and returns the shortfall', () => {
    const apps = [...applications(5000, 3, 'A5'), application(2_000_000, 'BIG/1')];
    const a = run(apps);
    expect(a.sizing.shortfall_to_international_shares).toBe(150_000_000 - 2_015_000);
    expect(a.sizing.subscription_multiple).toBe('0.01');
    expect([...a.allotments.keys()]).toEqual(['A5/R0000000', 'A5/R0000001', 'A5/R0000002', 'BIG/1']);
    expect(a.allotments.get('A5/R0000001')).toEqual({ pool: 'A', shares_allotted: 5000 });
    expect(a.allotments.get('BIG/1')).toEqual({ pool: 'B', shares_allotted: 2_000_000 });
    expect(a.basis).toEqual([
      { pool: 'A', shares_applied: 5000, valid_applications: 3, basis: '5,000 shares', approx_pct_allotted: '100.00' },
      { pool: 'B', shares_applied: 2_000_000, valid_applications: 1, basis: '2,000,000 shares', approx_pct_allotted: '100.00' },
    ]);
    expect(a.pools.A).toEqual({ pool: 'A', size_shares: 75_000_000, demand_shares: 15_000, valid_applications: 3, allotted_shares: 15_000, successful_applications: 3, oversubscribed: false });
  });

  it('handles the empty book', () => {
    const a = run([]);
    expect(a.basis).toEqual([]);
    expect(a.sizing.shortfall_to_international_shares).toBe(150_000_000);
    expect(a.draw.book_sha256).toBe(createHash('sha256').update('').digest('hex'));
  });
});

describe('allocate: pools', () => {
  it('moves the unused shares of pool A to pool B', () => {
    // tranche 100,000: A 50,000, B 50,000; A uses 10,000 so B gets 90,000 for 4,000,000 applied.
    const a = run([...applications(1000, 10, 'SMALL'), application(2_000_000, 'BIG/1'), application(2_000_000, 'BIG/2')], noClawback(100_000));
    expect(a.pools.A.size_shares).toBe(10_000);
    expect(a.pools.B.size_shares).toBe(90_000);
    expect(a.pools.B.allotted_shares).toBe(90_000);
    expect(a.allotments.get('BIG/1')!.shares_allotted).toBe(45_000);
    expect(a.basis[1]).toEqual({ pool: 'B', shares_applied: 2_000_000, valid_applications: 2, basis: '45,000 shares', approx_pct_allotted: '2.25' });
    expect(a.sizing.shortfall_to_international_shares).toBe(0);
  });

  it('gives pool A the odd lot', () => {
    const a = run([...applications(10_000, 20, 'S'), ...applications(2_000_000, 3, 'L')], noClawback(101_000));
    expect([a.pools.A.size_shares, a.pools.B.size_shares]).toEqual([51_000, 50_000]);
    expect([a.pools.A.allotted_shares, a.pools.B.allotted_shares]).toEqual([51_000, 50_000]);
  });

  it('ballots one lot among one-lot applicants', () => {
    const a = run(applications(1000, 10, 'ONE'), noClawback(5000));
    expect(a.pools.A.size_shares).toBe(5000);
    expect(a.basis).toEqual([{ pool: 'A', shares_applied: 1000, valid_applications: 10, basis: '5 out of 10 applicants to receive 1,000 shares', approx_pct_allotted: '50.00' }]);
    expect(a.pools.A.successful_applications).toBe(5);
  });
});

describe('allocate: clawback and reallocation through the entry point', () => {
  it('applies the 50x tier', () => {
    const a = run(applications(100_000, 50, 'X'), smallOffering(100_000)); // 5,000,000 = 50x
    expect(a.sizing.clawback).toEqual({ min_multiple: 50, hong_kong_pct: '40' });
    expect(a.sizing.final_hong_kong_shares).toBe(400_000);
    expect(a.pools.A.allotted_shares + a.pools.B.allotted_shares).toBe(400_000);
  });

  it('applies a reallocation at 3.85 only', () => {
    const apps = applications(100_000, 10, 'X'); // 10x
    expect(run(apps, smallOffering(100_000), { finalPrice: '3.85', reallocateShares: 0 }).sizing.final_hong_kong_shares).toBe(100_000);
    const offering = smallOffering(100_000);
    offering.reallocation = { max_hong_kong_shares: 200_000, required_final_price: '3.85' };
    expect(run(apps, offering, { finalPrice: '3.85', reallocateShares: 100_000 }).sizing.final_hong_kong_shares).toBe(200_000);
    expect(() => run(apps, offering, { finalPrice: '3.99', reallocateShares: 100_000 })).toThrow(UsageError);
    expect(() => run(apps, offering, { finalPrice: '3.85', reallocateShares: 101_000 })).toThrow(UsageError);
  });

  it('refuses a final price outside the range', () => {
    expect(() => run([], sampleOffering(), { finalPrice: '4.00' })).toThrow(UsageError);
    expect(() => run([], sampleOffering(), { finalPrice: '3.80' })).toThrow(UsageError);
  });

  it('refuses a book it should never have been given', () => {
    expect(() => run([application(1000, 'K/1'), application(2000, 'K/1')])).toThrow(InvariantError);
    expect(() => run([application(1500, 'K/1')])).toThrow(InvariantError);
  });
});

describe('allocate: determinism and the book fingerprint', () => {
  const book = [...applications(1000, 300, 'A1'), ...applications(3000, 40, 'A3'), ...applications(20_000, 17, 'A20'), ...applications(1_500_000, 9, 'B')];
  const offering = noClawback(60_000);
  const canonical = (a: ReturnType<typeof run>) => JSON.stringify({ ...a, allotments: [...a.allotments.entries()] });

  it('gives identical output for any input order', () => {
    const first = canonical(run(book, offering));
    const reversed = canonical(run([...book].reverse(), offering));
    const rotated = canonical(run([...book.slice(123), ...book.slice(0, 123)], offering));
    expect(reversed).toBe(first);
    expect(rotated).toBe(first);
  });

  it('draws other winners under another seed, with the same basis', () => {
    const a = run(book, offering, { seed: 'one' });
    const b = run(book, offering, { seed: 'two' });
    expect(b.basis).toEqual(a.basis);
    expect(canonical(b)).not.toBe(canonical(a));
  });

  it('fingerprints the canonical text: key,channel,shares sorted by key, LF-terminated', () => {
    const apps = [application(2000, 'B/2', 'INVESTOR'), application(1000, 'A/1')];
    expect(canonicalBookText(apps)).toBe('A/1,CLEARING,1000\nB/2,INVESTOR,2000\n');
    expect(bookSha256(apps)).toBe(createHash('sha256').update('A/1,CLEARING,1000\nB/2,INVESTOR,2000\n').digest('hex'));
    expect(run(apps).draw).toEqual({ seed: 'test-seed', book_sha256: bookSha256(apps) });
  });
});
