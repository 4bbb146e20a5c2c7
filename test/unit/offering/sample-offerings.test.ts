/**
 * The offering regimes as data (docs/offering.md, "Regimes"): every file in samples/offerings/
 * validates, and each allocates. The three 2026 samples are run on their real books, rebuilt
 * quantity by quantity from the allotment results announcements (test/unit/allocate/fixtures/),
 * and must size the tranche and pools exactly as the registrar did.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocate } from '../../../src/allocate';
import { UsageError } from '../../../src/domain/errors';
import type { Application } from '../../../src/domain/types';
import { parseOffering } from '../../../src/offering/load-offering';
import { parseReferenceTable } from '../../../src/bench/calibrate-basis';

const SAMPLES = join(__dirname, '../../../samples/offerings');
const load = (name: string) => parseOffering(readFileSync(join(SAMPLES, name), 'utf8'), name);
const table = (code: string) => parseReferenceTable(readFileSync(join(__dirname, `../allocate/fixtures/basis-${code}.csv`), 'utf8'));

/** The announcement's book: one application per valid application of each row. */
function realBook(code: string): Application[] {
  const apps: Application[] = [];
  for (const r of table(code).rows) {
    for (let i = 0; i < r.valid_applications; i++) {
      const ref = `${r.shares_applied}-${i}`;
      apps.push({ key: `BRK001/${ref}`, participant_id: 'BRK001', instruction_ref: ref, channel: 'CLEARING', shares: r.shares_applied });
    }
  }
  return apps;
}
const firstRowPolicy = (code: string) => {
  const rows = table(code).rows;
  return { A: { first_row_pct: rows.find((r) => r.pool === 'A')!.approx_pct }, B: { first_row_pct: rows.find((r) => r.pool === 'B')!.approx_pct } };
};

describe('sample offerings', () => {
  it('every sample validates (strict: no unknown field anywhere)', () => {
    const names = readdirSync(SAMPLES).filter((n) => n.endsWith('.json')).sort();
    expect(names).toEqual(['0020-sensetime-2021.json', '00537-rigol-2026-mechanism-b.json', '06745-befar-2026-half-tranche.json', '07656-reconova-2026-mechanism-a.json']);
    for (const name of names) expect(() => load(name)).not.toThrow();
  });

  it('2021 (PN18 + GL91-18): clawback tiers; a reallocation only below 15x and only at the bottom of the range', () => {
    const o = load('0020-sensetime-2021.json');
    expect(o.reallocation).toEqual({ max_hong_kong_shares: 300_000_000, required_final_price: '3.85', only_below_first_tier: true });
    const book: Application[] = Array.from({ length: 150 }, (_, i) => ({ key: `BRK001/R${i}`, participant_id: 'BRK001', instruction_ref: `R${i}`, channel: 'CLEARING', shares: 10_000_000 }));
    const a = allocate({ applications: book, offering: o, finalPrice: '3.85', seed: 's', reallocateShares: 150_000_000 }); // 10x
    expect(a.sizing).toMatchObject({ subscription_multiple: '10.00', clawback: null, reallocated_shares: 150_000_000, final_hong_kong_shares: 300_000_000 });
    expect(() => allocate({ applications: book, offering: o, finalPrice: '3.90', seed: 's', reallocateShares: 1_000 })).toThrow(/needs the final price to be 3.85/);
    const at15x = [...book, ...book.map((x) => ({ ...x, key: `${x.key}b`, instruction_ref: `${x.instruction_ref}b` })), ...book.slice(0, 25).map((x) => ({ ...x, key: `${x.key}c`, instruction_ref: `${x.instruction_ref}c` }))];
    expect(() => allocate({ applications: at15x, offering: o, finalPrice: '3.85', seed: 's', reallocateShares: 1_000 })).toThrow(/clawback tier/);
  });

  it('2025 Mechanism A (07656, 3,646.06x): initial 5%, the 100x tier to 20%, pools as the registrar had them', () => {
    const o = load('07656-reconova-2026-mechanism-a.json');
    const book = realBook('7656');
    const a = allocate({ applications: book, offering: o, finalPrice: '21.66', seed: 's', ballotPolicy: firstRowPolicy('7656') });
    expect(a.sizing).toMatchObject({ subscription_multiple: '3646.06', clawback: { min_multiple: 100, hong_kong_pct: '20' }, final_hong_kong_shares: 5_617_400 });
    expect([a.pools.A.size_shares, a.pools.B.size_shares]).toEqual([2_808_800, 2_808_600]);
    expect(a.basis[0]).toMatchObject({ pool: 'A', shares_applied: 200, basis: '2,066 out of 68,857 applicants to receive 200 shares', approx_pct_allotted: '3.00' });
    // A discretionary reallocation on top of the tier reached, up to the configured 35% of the offer.
    const more = allocate({ applications: book, offering: o, finalPrice: '21.66', seed: 's', reallocateShares: 4_213_000 });
    expect(more.sizing).toMatchObject({ reallocated_shares: 4_213_000, final_hong_kong_shares: 9_830_400 });
    expect(() => allocate({ applications: book, offering: o, finalPrice: '21.66', seed: 's', reallocateShares: 4_213_200 })).toThrow(UsageError);
  });

  it('2025 Mechanism B (00537, 356.86x): a fixed 10%, no clawback, no reallocation', () => {
    const o = load('00537-rigol-2026-mechanism-b.json');
    const book = realBook('0537');
    const a = allocate({ applications: book, offering: o, finalPrice: '45.98', seed: 's', ballotPolicy: firstRowPolicy('0537') });
    expect(a.sizing).toMatchObject({ subscription_multiple: '356.86', clawback: null, final_hong_kong_shares: 2_480_300 });
    expect([a.pools.A.size_shares, a.pools.B.size_shares]).toEqual([1_240_200, 1_240_100]);
    expect(a.basis[0]!.basis).toBe('3,517 out of 43,966 applicants to receive 100 shares'); // the registrar: 3,518 (8.0017%)
    expect(() => allocate({ applications: book, offering: o, finalPrice: '45.98', seed: 's', reallocateShares: 100 })).toThrow(/allows no reallocation/);
  });

  it('an issuer whose largest permitted application is half the initial tranche (06745): it is all of pool B', () => {
    const o = load('06745-befar-2026-half-tranche.json');
    expect(o.max_application_shares).toBe(17_606_000);
    expect(o.max_application_shares * 2).toBeLessThanOrEqual(o.tranches.hong_kong_initial);
    const a = allocate({ applications: realBook('6745'), offering: o, finalPrice: '3.48', seed: 's', ballotPolicy: firstRowPolicy('6745') });
    expect(a.sizing).toMatchObject({ subscription_multiple: '227.58', clawback: null, final_hong_kong_shares: 35_213_000 });
    expect([a.pools.A.size_shares, a.pools.B.size_shares]).toEqual([17_607_000, o.max_application_shares]);
    expect(a.basis.find((r) => r.shares_applied === 17_606_000)).toMatchObject({ pool: 'B', valid_applications: 30 });
    expect(a.basis[0]!.basis).toBe('1,586 out of 31,717 applicants to receive 1,000 shares');
    expect(a.policy!.A).toMatchObject({ given: { first_row_pct: '5.00' }, exponent: 0.555 });
  });
});
