/**
 * Property tests of the ballot's hard rules on realised allotments (docs/ballot.md, "Guarantees"),
 * recomputed here independently of src/allocate/invariants.ts, over random books: one application
 * to tens of millions of shares of demand, under- and oversubscribed, both pools, every clawback
 * tier, with and without a reallocation.
 */
import fc from 'fast-check';
import { allocate } from '../../../src/allocate';
import { planOversubscribedPool, compareMeans } from '../../../src/allocate/ballot-plan';
import { solveTargets } from '../../../src/allocate/target-curve';
import { firstRowLots, lotsForPercent, planPoolWithPolicy } from '../../../src/allocate/exponent-solve';
import { Decimal } from '../../../src/money/money';
import type { Allocation } from '../../../src/domain/allocation';
import type { Application, PoolName } from '../../../src/domain/types';
import type { Offering } from '../../../src/offering/schema';
import { sampleOffering } from './builders';

interface Case { offering: Offering; applications: Application[]; seed: string; finalPrice: string; reallocateShares?: number }

const BASIS_SHAPES = [
  /^\d{1,3}(,\d{3})* shares$/,
  /^\d{1,3}(,\d{3})* out of \d{1,3}(,\d{3})* applicants to receive \d{1,3}(,\d{3})* shares$/,
  /^\d{1,3}(,\d{3})* shares plus \d{1,3}(,\d{3})* out of \d{1,3}(,\d{3})* applicants to receive an additional \d{1,3}(,\d{3})* shares$/,
];

/** Multiples of initial demand aimed at: undersubscribed, around 1x, below and in each tier. */
const MULTIPLES = [0.3, 0.9, 1, 1.5, 7, 14.99, 15, 30, 50, 99, 100, 250];

const caseArb: fc.Arbitrary<Case> = fc.record({
  lot: fc.constantFrom(100, 500, 1000),
  poolBFromLots: fc.integer({ min: 2, max: 60 }),
  groups: fc.array(fc.record({ lots: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 200 })), count: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 400 })) }), { minLength: 1, maxLength: 12 }),
  multiple: fc.constantFrom(...MULTIPLES),
  exponentA: fc.constantFrom(0.3, 0.54, 0.66, 0.8, 1),
  exponentB: fc.constantFrom(0.3, 0.54, 0.66, 0.8, 1),
  seed: fc.string({ maxLength: 12 }),
  reallocate: fc.boolean(),
}).map(({ lot, poolBFromLots, groups, multiple, exponentA, exponentB, seed, reallocate }) => {
  const applications: Application[] = [];
  groups.forEach((g, gi) => {
    for (let i = 0; i < g.count; i++) {
      const key = `P${gi}/${String(i).padStart(4, '0')}`;
      applications.push({ key, participant_id: `P${gi}`, instruction_ref: String(i).padStart(4, '0'), channel: 'CLEARING', shares: g.lots * lot });
    }
  });
  const demand = applications.reduce((s, a) => s + a.shares, 0);
  const initial = Math.max(1, Math.floor(demand / multiple / lot)) * lot;
  const base = sampleOffering();
  // Pool B from poolBFromLots lots upwards: threshold = price.maximum x (poolBFromLots - 1) lots.
  const threshold = (3.99 * (poolBFromLots - 1) * lot).toFixed(2);
  const offering: Offering = {
    ...base,
    board_lot: lot,
    tranches: { ...base.tranches, offer_shares: initial * 10, hong_kong_initial: initial, international_initial: initial * 9 },
    pools: { threshold_consideration: threshold, exponent: { A: exponentA, B: exponentB } },
    reallocation: { max_hong_kong_shares: initial * 2, required_final_price: '3.85' },
  };
  const canReallocate = reallocate && demand > initial && demand < 15 * initial;
  return {
    offering, applications, seed,
    finalPrice: canReallocate ? '3.85' : '3.99',
    reallocateShares: canReallocate ? Math.max(lot, Math.floor(initial / 2 / lot) * lot) : undefined,
  };
});

function checkHardRules(c: Case, a: Allocation): void {
  const lot = c.offering.board_lot;
  expect(a.allotments.size).toBe(c.applications.length);
  const byPoolQty = new Map<string, number[]>();
  const allotted: Record<PoolName, number> = { A: 0, B: 0 };
  for (const app of c.applications) {
    const got = a.allotments.get(app.key)!;
    // Plain checks per application (jest's expect is too slow for thousands per run).
    if (got.shares_allotted % lot !== 0 || got.shares_allotted < 0 || got.shares_allotted > app.shares) {
      throw new Error(`${app.key}: ${got.shares_allotted} allotted for ${app.shares} applied (lot ${lot})`);
    }
    allotted[got.pool] += got.shares_allotted;
    const k = `${got.pool}:${app.shares}`;
    const list = byPoolQty.get(k);
    if (list === undefined) byPoolQty.set(k, [got.shares_allotted]);
    else list.push(got.shares_allotted);
  }
  for (const pool of ['A', 'B'] as const) {
    const p = a.pools[pool];
    expect(allotted[pool]).toBe(p.allotted_shares);
    expect(p.allotted_shares).toBe(p.oversubscribed ? p.size_shares : p.demand_shares);
    expect(p.allotted_shares).toBeLessThanOrEqual(p.size_shares);
    const rows = a.basis.filter((r) => r.pool === pool);
    let previousMean = -1;
    for (const row of rows) {
      const xs = byPoolQty.get(`${pool}:${row.shares_applied}`)!;
      expect(xs.length).toBe(row.valid_applications);
      expect(Math.max(...xs) - Math.min(...xs)).toBeLessThanOrEqual(lot);
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      expect(mean).toBeGreaterThanOrEqual(previousMean - 1e-9);
      previousMean = mean;
      expect(BASIS_SHAPES.some((re) => re.test(row.basis))).toBe(true);
      if (!p.oversubscribed) expect(row.approx_pct_allotted).toBe('100.00');
    }
  }
  const s = a.sizing;
  expect(allotted.A + allotted.B + s.shortfall_to_international_shares).toBe(s.final_hong_kong_shares);
  expect(s.final_hong_kong_shares % lot).toBe(0);
  if (s.clawback !== null) expect(s.final_hong_kong_shares).toBeGreaterThanOrEqual(c.offering.tranches.hong_kong_initial * 3);
}

describe('ballot hard rules over random books', () => {
  it('hold for every book, tier and pool mix', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(caseArb, (c) => {
      const a = allocate(c);
      checkHardRules(c, a);
      for (const pool of ['A', 'B'] as const) if (a.pools[pool].valid_applications > 0) seen.add(`${pool}:${a.pools[pool].oversubscribed ? 'over' : 'under'}`);
      seen.add(`tier:${a.sizing.clawback?.hong_kong_pct ?? 'none'}`);
      if (a.sizing.reallocated_shares > 0) seen.add('reallocation');
      if (a.sizing.shortfall_to_international_shares > 0) seen.add('shortfall');
    }), { numRuns: 250 });
    // The generator really reached every situation the hard rules are claimed for.
    expect([...seen].sort()).toEqual(['A:over', 'A:under', 'B:over', 'B:under', 'reallocation', 'shortfall', 'tier:30', 'tier:40', 'tier:50', 'tier:none']);
  });

  it('give identical output under any input order', () => {
    fc.assert(fc.property(caseArb, fc.integer({ min: 0, max: 1_000_000 }), (c, rotation) => {
      const n = c.applications.length;
      const shuffled = [...c.applications.slice(rotation % n), ...c.applications.slice(0, rotation % n)].reverse();
      const x = allocate(c);
      const y = allocate({ ...c, applications: shuffled });
      expect([...y.allotments.entries()]).toEqual([...x.allotments.entries()]);
      expect(y.basis).toEqual(x.basis);
      expect(y.draw).toEqual(x.draw);
    }), { numRuns: 60 });
  });
});

describe('ballot plan over random quantity tables (up to millions of lots)', () => {
  const table = fc.uniqueArray(fc.record({ lots: fc.integer({ min: 1, max: 75_000 }), count: fc.integer({ min: 1, max: 100_000 }) }), { minLength: 1, maxLength: 50, selector: (g) => g.lots });
  it('places exactly the pool, whole lots, within what was applied, means monotone', () => {
    fc.assert(fc.property(table, fc.double({ min: 0.0001, max: 0.9999, noNaN: true }), fc.constantFrom(0.3, 0.54, 0.66, 0.8, 1), (groups, fill, e) => {
      const demandLots = groups.reduce((s, g) => s + g.lots * g.count, 0);
      const size = Math.floor(demandLots * fill);
      fc.pre(size < demandLots);
      const plan = planOversubscribedPool(groups, size, e);
      expect(plan.reduce((s, r) => s + r.base_lots * r.count + r.winners, 0)).toBe(size);
      for (let i = 0; i < plan.length; i++) {
        const r = plan[i]!;
        expect(r.winners).toBeGreaterThanOrEqual(0);
        expect(r.winners).toBeLessThan(r.count);
        expect(r.base_lots + (r.winners > 0 ? 1 : 0)).toBeLessThanOrEqual(r.lots);
        if (i > 0) expect(compareMeans(plan[i - 1]!, r)).toBeLessThanOrEqual(0);
      }
    }), { numRuns: 300 });
  });

  it('targets fill the pool, rise with the quantity and favour the small (share of q never rises)', () => {
    fc.assert(fc.property(table, fc.double({ min: 0.0001, max: 0.9999, noNaN: true }), fc.constantFrom(0.3, 0.54, 0.66, 0.8, 1), (groups, fill, e) => {
      const sorted = [...groups].sort((x, y) => x.lots - y.lots);
      const demandLots = sorted.reduce((s, g) => s + g.lots * g.count, 0);
      const size = Math.floor(demandLots * fill);
      fc.pre(size < demandLots);
      const t = solveTargets(sorted, size, e);
      const total = sorted.reduce((s, g, i) => s.plus(t[i]!.times(g.count)), new Decimal(0));
      expect(total.minus(size).abs().lt('1e-20')).toBe(true);
      for (let i = 1; i < sorted.length; i++) {
        expect(t[i]!.gte(t[i - 1]!)).toBe(true);
        expect(t[i]!.div(sorted[i]!.lots).lte(t[i - 1]!.div(sorted[i - 1]!.lots).plus('1e-30'))).toBe(true);
      }
    }), { numRuns: 100 });
  });
});

describe('first_row_pct over random quantity tables', () => {
  const table = fc.uniqueArray(fc.record({ lots: fc.integer({ min: 1, max: 2_000 }), count: fc.integer({ min: 1, max: 20_000 }) }), { minLength: 1, maxLength: 10, selector: (g) => g.lots });
  it('any percentage the pool can give: the smallest quantity gets exactly its lots, the plan keeps every rule', () => {
    fc.assert(fc.property(table, fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (groups, fill, where) => {
      const sorted = [...groups].sort((x, y) => x.lots - y.lots);
      const demandLots = sorted.reduce((s, g) => s + g.lots * g.count, 0);
      const size = Math.floor(demandLots * fill);
      fc.pre(size > 0 && size < demandLots);
      const first = sorted[0]!;
      const low = firstRowLots(planOversubscribedPool(sorted, size, 1));
      const high = firstRowLots(planOversubscribedPool(sorted, size, 1e-9));
      const wanted = low + Math.floor((high - low) * where);
      const pct = new Decimal(wanted).times(100).div(first.lots * first.count).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4);
      fc.pre(new Decimal(pct).gt(0));
      const lots = lotsForPercent(pct, first);
      fc.pre(lots >= low && lots <= high);
      const solved = planPoolWithPolicy(groups, size, { first_row_pct: pct }, { pool: 'A', board_lot: 100, default_exponent: 0.54 });
      expect(firstRowLots(solved.plan)).toBe(lots);
      expect(solved.exponent).toBeGreaterThan(0);
      expect(solved.exponent).toBeLessThanOrEqual(1);
      expect(planOversubscribedPool(groups, size, solved.exponent)).toEqual(solved.plan);
      expect(solved.plan.reduce((s, r) => s + r.base_lots * r.count + r.winners, 0)).toBe(size);
      for (let i = 0; i < solved.plan.length; i++) {
        const r = solved.plan[i]!;
        expect(r.winners).toBeLessThan(r.count);
        expect(r.base_lots + (r.winners > 0 ? 1 : 0)).toBeLessThanOrEqual(r.lots);
        if (i > 0) expect(compareMeans(solved.plan[i - 1]!, r)).toBeLessThanOrEqual(0);
      }
    }), { numRuns: 40 });
  });
});
