/**
 * Calibration against a real registrar's basis of allocation (Befar Group, 06745, 227.58x; the
 * announcement's table is copied in fixtures/basis-6745.csv). Fed the registrar's valid-application
 * counts per quantity and its pool sizes (A 17,607,000, B 17,606,000, lot 1,000), our plan must
 * come out close to the registrar's row by row. Tolerance, stated honestly: every row's
 * approx_pct_allotted within a factor of 1.2 of the registrar's (observed worst: 0.87 and 1.12),
 * and the root mean square of log(ours / registrar) at most 0.08 per pool (observed 0.050 / 0.063).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareWithReference, logError, parseReference, searchExponents } from '../../../src/bench/calibrate-6745';
import { sampleOffering } from './builders';

const reference = parseReference(readFileSync(join(__dirname, 'fixtures/basis-6745.csv'), 'utf8'));
const exponents = sampleOffering().pools.exponent;

describe('calibration against the 6745 basis of allocation', () => {
  it('reads the complete reference table', () => {
    expect(reference).toHaveLength(40);
    expect(reference.filter((r) => r.pool === 'A').reduce((s, r) => s + r.valid_applications, 0)).toBe(86_908);
    expect(reference.filter((r) => r.pool === 'B').reduce((s, r) => s + r.valid_applications, 0)).toBe(1_947);
  });

  it('comes within a factor of 1.2 of the registrar on every row', () => {
    const rows = compareWithReference(reference, exponents);
    const outside = rows.filter((r) => r.ratio > 1.2 || r.ratio < 1 / 1.2).map((r) => `${r.pool} ${r.shares_applied}: ${r.ours_pct} vs ${r.approx_pct}`);
    expect(outside).toEqual([]);
    expect(logError(rows, 'A')).toBeLessThanOrEqual(0.08);
    expect(logError(rows, 'B')).toBeLessThanOrEqual(0.08);
  });

  it('keeps the registrar\'s shape: one-lot ballot below 200,000 shares in A, fixed lots plus a ballot above', () => {
    const rows = compareWithReference(reference, exponents);
    for (const r of rows.filter((x) => x.pool === 'A' && x.shares_applied <= 100_000)) expect(r.ours_basis).toMatch(/^[\d,]+ out of [\d,]+ applicants to receive 1,000 shares$/);
    for (const r of rows.filter((x) => x.pool === 'B')) expect(r.ours_basis).toMatch(/^[\d,]+ shares/);
    expect(rows.find((r) => r.pool === 'A' && r.shares_applied === 1000)!.ours_basis).toBe('1,681 out of 31,717 applicants to receive 1,000 shares');
  });

  it('uses the exponents that fit best (the sample offering holds the grid-search optimum)', () => {
    const best = searchExponents(reference);
    expect({ A: best.A.exponent, B: best.B.exponent }).toEqual(exponents);
  });
});
