/**
 * The ballot against real registrars' bases of allocation, given only each pool's first-row
 * percentage (docs/ballot.md, "Calibration through first_row_pct"). Every table in fixtures/ is a
 * real HKEX allotment results announcement of 2026, copied row by row (fixtures' headers name the
 * source); the pool sizes are what the registrar allotted. Rows with 100 or more applications are
 * held to 10% of the registrar's allotment over the row (the exact means, not the printed
 * percentages, which at 0.05% would make a one-hundredth rounding a 20% "error").
 *
 * The four tables the issue measured (19.67x flat, 356.86x, 1,563.16x flat with one lot at most,
 * 3,646.06x) come within 10% on every such row. 06745 does on all but two rows, where the registrar
 * allotted below its own curve (stated and pinned below); 03757 (8.65x, a first row at 35% and whole
 * lots above) is a shape one power curve does not make, pinned at its measured figure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lotsForPercent } from '../../../src/allocate/exponent-solve';
import { compareFirstRowPct, isSignificant, parseReferenceTable, withinTolerance, type PoolComparison } from '../../../src/bench/calibrate-basis';

function compare(code: string): PoolComparison[] {
  return compareFirstRowPct(parseReferenceTable(readFileSync(join(__dirname, `fixtures/basis-${code}.csv`), 'utf8')));
}
const outside = (pools: PoolComparison[]) => pools.flatMap((p) => p.rows.filter((r) => isSignificant(r) && !withinTolerance(r)).map((r) => `${r.pool} ${r.shares_applied}: ${r.ratio.toFixed(3)}`));
const significant = (pools: PoolComparison[]) => pools.reduce((n, p) => n + p.rows.filter(isSignificant).length, 0);

describe('calibration through first_row_pct against real allotment results', () => {
  it.each([
    // code, multiple, exponents solved (A, B), rows with 100+ applications
    ['2715', '19.67x flat ~5%, one lot guaranteed from 25 lots', [0.9917, 0.9994], 21],
    ['0537', '356.86x', [0.3062, 0.4265], 35],
    ['6067', '1,563.16x flat 0.10%, one lot at most', [0.9959, 0.9543], 36],
    ['7656', '3,646.06x', [0.4304, 0.2793], 40],
  ] as const)('%s (%s): every row with 100+ applications within 10%', (code, _what, exponents, rows) => {
    const pools = compare(code);
    expect(outside(pools)).toEqual([]);
    expect(significant(pools)).toBe(rows);
    expect(pools.map((p) => p.exponent)).toEqual(exponents);
  });

  it('the smallest quantity of every pool gets exactly the lots its printed percentage implies', () => {
    for (const code of ['2715', '0537', '6067', '7656', '6745', '3757']) {
      for (const p of compare(code)) {
        const first = p.rows[0]!;
        const lot = parseReferenceTable(readFileSync(join(__dirname, `fixtures/basis-${code}.csv`), 'utf8')).board_lot;
        expect(first.ours_lots).toBe(lotsForPercent(p.first_row_pct, { lots: first.shares_applied / lot, count: first.valid_applications }));
      }
    }
  });

  it('20x flat: one lot guaranteed from 25 lots up, as the registrar had it (not a one-lot ballot)', () => {
    const a = compare('2715').find((p) => p.pool === 'A')!;
    const row = (shares: number) => a.rows.find((r) => r.shares_applied === shares)!;
    expect(row(4000).ours_basis).toMatch(/^[\d,]+ out of 348 applicants to receive 200 shares$/);
    expect(row(5000).ours_basis).toMatch(/^200 shares plus [\d,]+ out of 375 applicants/);
    expect(row(200).ours_basis).toBe('642 out of 12,869 applicants to receive 200 shares');
  });

  it('06745: 30 of 32 rows within 10%; the two others are where the registrar went below its own curve', () => {
    const pools = compare('6745');
    expect(significant(pools)).toBe(32);
    expect(outside(pools)).toEqual(['A 300000: 1.157', 'A 1000000: 1.155']);
    expect(pools.map((p) => p.exponent)).toEqual([0.555, 0.5925]);
  });

  it('03757 (8.65x, 35% first row then whole lots): 7 of 14 rows, a shape one power curve does not make', () => {
    const pools = compare('3757');
    expect(significant(pools)).toBe(14);
    expect(outside(pools)).toHaveLength(7);
  });
});
