/**
 * The provisional figures (src/pipeline/provisional.ts), computed by hand here: valid
 * applications (multiple applications left out), demand per permitted quantity and pool, the
 * subscription multiple, the clawback tier the demand triggers, the Hong Kong date of the run.
 */
import { provisionalSummary } from '../../../src/pipeline/provisional';
import { instruction, rejected, sampleOffering } from '../refund/book-builders';

const offering = sampleOffering();

test('a small book: figures per quantity and pool, no clawback, the Hong Kong date', () => {
  const book = [
    instruction('BRK001', 'A1', 1000), instruction('BRK001', 'A2', 1000), instruction('CUS001', 'C1', 2_000_000),
    rejected('BRK001', 'R1', 'OUTSIDE_WINDOW'),
    // The same identity twice: a multiple application, left out of the valid ones.
    instruction('BRK001', 'M1', 5000, { applicant_ids: ['HKID:Z1234567'] }), instruction('INV001', 'M2', 5000, { applicant_ids: ['HKID:Z1234567'] }),
  ];
  // 16:30 UTC on 21 December is 00:30 on 22 December in Hong Kong.
  const s = provisionalSummary(book, offering, new Date('2021-12-21T16:30:00.000Z'), { state: 'open', files: 3 });
  expect(s).toMatchObject({
    provisional: true, date: '2021-12-22', run_at: '2021-12-21T16:30:00.000Z', book_state: 'open', files_accepted: 3,
    instructions: { accepted: 5, rejected: 1 }, valid_applications: 3, multiple_applications: 2,
    demand_shares: 2_002_000, subscription_multiple: '0.01', clawback: null, hong_kong_tranche_shares: 150_000_000,
    pools: { A: { demand_shares: 2000, valid_applications: 2, oversubscribed: false }, B: { demand_shares: 2_000_000, valid_applications: 1, oversubscribed: false } },
  });
  expect(s.demand).toHaveLength(offering.permitted_quantities.length);
  expect(s.demand.filter((d) => d.valid_applications > 0)).toEqual([
    { shares_applied: 1000, pool: 'A', valid_applications: 2, demand_shares: 2000 },
    { shares_applied: 2_000_000, pool: 'B', valid_applications: 1, demand_shares: 2_000_000 },
  ]);
  expect(s.basis.rows).toEqual([
    { pool: 'A', shares_applied: 1000, valid_applications: 2, basis: '1,000 shares', approx_pct_allotted: '100.00' },
    { pool: 'B', shares_applied: 2_000_000, valid_applications: 1, basis: '2,000,000 shares', approx_pct_allotted: '100.00' },
  ]);
  expect(s.basis.price).toBe('3.99');
});

test('a demand of 16x triggers the 15x tier (30%): 450,000,000 shares; the pools are balloted', () => {
  // 48 applications of 50,000,000 shares (pool B) = 2,400,000,000 = 16x the initial 150,000,000.
  const book = Array.from({ length: 48 }, (_, i) => instruction('BRK001', `B${i}`, 50_000_000, { applicant_ids: [`HKID:Q${100000 + i}`] }));
  const s = provisionalSummary(book, offering, new Date('2021-12-22T14:00:00.000Z'), { state: 'closed', files: 1 });
  expect(s).toMatchObject({ date: '2021-12-22', valid_applications: 48, subscription_multiple: '16.00', clawback: { min_multiple: 15, hong_kong_pct: '30' }, hong_kong_tranche_shares: 450_000_000 });
  expect(s.pools.B.oversubscribed).toBe(true);
  expect(s.basis.rows).toHaveLength(1);
  expect(s.basis.rows[0]).toMatchObject({ pool: 'B', shares_applied: 50_000_000, valid_applications: 48 });
});

test('an empty book: nothing applied, no rows', () => {
  const s = provisionalSummary([], offering, new Date('2021-12-20T02:00:00.000Z'), { state: 'open', files: 0 });
  expect(s).toMatchObject({ date: '2021-12-20', valid_applications: 0, demand_shares: 0, subscription_multiple: '0.00', clawback: null });
  expect(s.basis.rows).toEqual([]);
});
