/**
 * The solve of first_row_pct (src/allocate/exponent-solve.ts, docs/ballot.md "The solve"): the
 * smallest quantity gets exactly the lots the percentage implies (rounded half-up), the exponent is
 * the largest with four decimals that does it (more decimals only where needed), fed back as an
 * exponent it gives the same plan, and a percentage the pool cannot give is refused with the range.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../../src/domain/errors';
import { planOversubscribedPool } from '../../../src/allocate/ballot-plan';
import { firstRowLots, lotsForPercent, planPoolWithPolicy } from '../../../src/allocate/exponent-solve';
import { parseReferenceTable } from '../../../src/bench/calibrate-basis';

const ctx = (pool: 'A' | 'B' = 'A', boardLot = 1000) => ({ pool, board_lot: boardLot, default_exponent: 0.54 });
const table = parseReferenceTable(readFileSync(join(__dirname, 'fixtures/basis-6745.csv'), 'utf8'));
const poolA = table.rows.filter((r) => r.pool === 'A').map((r) => ({ lots: r.shares_applied / 1000, count: r.valid_applications }));
const SIZE_A = 17_607;

function refusal(call: () => unknown): string {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('planning a pool under a policy', () => {
  it('no policy: the offering default exponent; an exponent: that exponent', () => {
    expect(planPoolWithPolicy(poolA, SIZE_A, null, ctx())).toEqual({ exponent: 0.54, plan: planOversubscribedPool(poolA, SIZE_A, 0.54) });
    expect(planPoolWithPolicy(poolA, SIZE_A, { exponent: 0.62 }, ctx())).toEqual({ exponent: 0.62, plan: planOversubscribedPool(poolA, SIZE_A, 0.62) });
  });

  it('first_row_pct 5.00 on 06745 pool A: 1,586 of 31,717 one-lot applicants win, as the registrar had it', () => {
    expect(lotsForPercent('5.00', poolA[0]!)).toBe(1586); // 31,717 x 5% = 1,585.85, half-up
    const solved = planPoolWithPolicy(poolA, SIZE_A, { first_row_pct: '5.00' }, ctx());
    expect(solved.exponent).toBe(0.555);
    expect(solved.plan[0]).toEqual({ lots: 1, count: 31_717, base_lots: 0, winners: 1586 });
    expect(solved.plan.reduce((s, r) => s + r.base_lots * r.count + r.winners, 0)).toBe(SIZE_A);
    // The largest four-decimal exponent: one ten-thousandth more gives the first row fewer lots.
    expect(firstRowLots(planOversubscribedPool(poolA, SIZE_A, 0.5551))).toBeLessThan(1586);
    // Fed back as an exponent, the same plan to the lot.
    expect(planOversubscribedPool(poolA, SIZE_A, solved.exponent)).toEqual(solved.plan);
  });

  it('the plain pro rata percentage solves to exponent 1 exactly', () => {
    const proRata = firstRowLots(planOversubscribedPool(poolA, SIZE_A, 1)); // 180 lots = 0.5675%
    expect(proRata).toBe(180);
    expect(planPoolWithPolicy(poolA, SIZE_A, { first_row_pct: '0.5675' }, ctx()).exponent).toBe(1); // 179.99 -> 180 lots
    // 0.57% asks 181 lots: just above pro rata, so just below exponent 1.
    expect(planPoolWithPolicy(poolA, SIZE_A, { first_row_pct: '0.57' }, ctx()).exponent).toBe(0.999);
  });

  it('uses a fifth decimal and beyond only where a lot of the first row is a smaller step (a large book)', () => {
    const big = [{ lots: 1, count: 500_000 }, { lots: 2, count: 200_000 }, { lots: 10, count: 100_000 }, { lots: 100, count: 20_000 }];
    const solved = planPoolWithPolicy(big, 100_000, { first_row_pct: '7.77' }, ctx('A', 100));
    expect(firstRowLots(solved.plan)).toBe(38_850);
    expect(String(solved.exponent)).toMatch(/^0\.\d{5,9}$/);
  });

  it('"100" where the pool can afford it: every smallest application in full, the gentlest such curve', () => {
    const groups = [{ lots: 1, count: 100 }, { lots: 10, count: 100 }];
    const solved = planPoolWithPolicy(groups, 600, { first_row_pct: '100' }, ctx());
    expect(solved.plan[0]).toEqual({ lots: 1, count: 100, base_lots: 1, winners: 0 });
    expect(solved.exponent).toBe(0.7015);
    expect(firstRowLots(planOversubscribedPool(groups, 600, 0.7016))).toBeLessThan(100);
  });

  it('refuses a percentage above what the flattest curve gives, naming the highest allowed', () => {
    const groups = [{ lots: 1, count: 1000 }, { lots: 10, count: 10 }];
    expect(refusal(() => planPoolWithPolicy(groups, 500, { first_row_pct: '100' }, ctx('B')))).toBe(
      'pool B: first_row_pct 100 asks 1,000 lots for the 1,000 applications of 1,000 shares (the smallest quantity), more than the pool can give them '
      + '(495 lots, 49.50%, with every application getting nearly the same number of lots); the highest this pool allows is 49.5499',
    );
    expect(planPoolWithPolicy(groups, 500, { first_row_pct: '49.5499' }, ctx('B')).plan[0]!.winners).toBe(495);
  });

  it('refuses a percentage below plain pro rata, naming the lowest allowed', () => {
    expect(refusal(() => planPoolWithPolicy(poolA, SIZE_A, { first_row_pct: '0.50' }, ctx()))).toBe(
      'pool A: first_row_pct 0.50 asks 159 lots for the 31,717 applications of 1,000 shares (the smallest quantity), fewer than plain pro rata gives them '
      + '(180 lots, 0.57%); the lowest this pool allows is 0.566 (or {"exponent": 1})',
    );
    expect(planPoolWithPolicy(poolA, SIZE_A, { first_row_pct: '0.566' }, ctx()).exponent).toBe(1);
  });

  it('a pool with one quantity can give it only the whole pool', () => {
    const one = [{ lots: 5, count: 100 }];
    expect(planPoolWithPolicy(one, 250, { first_row_pct: '50' }, ctx()).plan[0]).toEqual({ lots: 5, count: 100, base_lots: 2, winners: 50 });
    expect(refusal(() => planPoolWithPolicy(one, 250, { first_row_pct: '40' }, ctx()))).toMatch(/fewer than plain pro rata/);
    expect(refusal(() => planPoolWithPolicy(one, 250, { first_row_pct: '60' }, ctx()))).toMatch(/more than the pool can give/);
  });
});
