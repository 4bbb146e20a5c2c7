import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { InvariantError } from '../../../src/domain/errors';
import type { PoolName, StoredInstruction } from '../../../src/domain/types';
import { Decimal } from '../../../src/money/money';
import { buildOutputFiles } from '../../../src/refund/output-files';
import { reconcileMoney } from '../../../src/refund/reconcile';
import { buildRefundRows } from '../../../src/refund/refunds';
import { settleInstructions } from '../../../src/refund/settlement';
import { allocationOf, instruction, registry, rejected, sampleOffering } from './book-builders';

const offering = sampleOffering();
const PARTICIPANTS = ['BRK001', 'CUS001', 'INV001', 'WFE001'];
const QUANTITIES = offering.permitted_quantities.filter((q) => q <= 2_000_000);

/** A random book: valid applications with random allotments (whole lots, at most applied), rejections, multiples. */
const bookArb = fc.record({
  price: fc.integer({ min: 385, max: 399 }).map((c) => new Decimal(c).div(100).toFixed(2)),
  entries: fc.array(
    fc.record({
      participant: fc.constantFrom(...PARTICIPANTS),
      shares: fc.constantFrom(...QUANTITIES),
      kind: fc.constantFrom('valid', 'valid', 'valid', 'rejected', 'multiple', 'manual'),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      refundAccount: fc.boolean(),
    }),
    { maxLength: 40 },
  ),
});

type BookEntry = ReturnType<typeof bookArb.generate>['value']['entries'][number];

function buildBook(entries: BookEntry[]) {
  const instructions: StoredInstruction[] = [];
  const allotted: Record<string, [PoolName, number]> = {};
  const multiples = new Set<string>();
  entries.forEach((e, n) => {
    const ref = `REF${n}`;
    const over = e.participant === 'WFE001' && e.refundAccount ? { refund_account: '004-123-456789' } : {};
    if (e.kind === 'rejected') return void instructions.push(rejected(e.participant, ref, 'OUTSIDE_WINDOW', over));
    if (e.kind === 'manual') return void instructions.push(rejected(e.participant, ref, 'AMOUNT_INVALID', { amount_paid: null, amount_paid_text: '12,00' }));
    instructions.push(instruction(e.participant, ref, e.shares, over));
    if (e.kind === 'multiple') return void multiples.add(`${e.participant}/${ref}`);
    const lots = Math.floor((e.shares / 1000) * e.fraction);
    allotted[`${e.participant}/${ref}`] = [e.shares * 3.99 <= 5_000_000 ? 'A' : 'B', lots * 1000];
  });
  return { instructions, allocation: allocationOf(allotted), multiples };
}

describe('money reconciles to the cent', () => {
  test('property: per row paid = kept + refund >= 0; totals overall and per channel; files agree', () => {
    fc.assert(
      fc.property(bookArb, ({ price, entries }) => {
        const { instructions, allocation, multiples } = buildBook(entries);
        const settlements = settleInstructions({ instructions, multiples, allocation, finalPrice: price, fees: offering.fees });
        let paid = new Decimal(0);
        let kept = new Decimal(0);
        let refunded = new Decimal(0);
        for (const s of settlements) {
          if (s.amount_paid === null) continue;
          expect(s.amount_paid.equals(s.amount_kept.plus(s.refund!))).toBe(true);
          expect(s.refund!.gte(0)).toBe(true);
          paid = paid.plus(s.amount_paid);
          kept = kept.plus(s.amount_kept);
          refunded = refunded.plus(s.refund!);
        }
        const out = buildOutputFiles({ instructions, multiples, allocation, registry: registry(), offering, finalPrice: price, reallocateShares: null });
        const money = out.summary.money;
        expect(money.total).toMatchObject({ amount_paid: paid.toFixed(2), amount_kept: kept.toFixed(2), amount_refunded: refunded.toFixed(2) });
        for (const c of Object.values(money.by_channel)) {
          expect(new Decimal(c.amount_paid).equals(new Decimal(c.amount_kept).plus(c.amount_refunded))).toBe(true);
        }
        const refundsCsv = parse(out.files.find((f) => f.name === 'refunds.csv')!.content, { columns: true }) as { amount: string; method: string }[];
        const automatic = refundsCsv.filter((r) => r.method !== 'MANUAL');
        expect(automatic.reduce((t, r) => t.plus(r.amount), new Decimal(0)).toFixed(2)).toBe(money.total.amount_refunded);
        const manualCount = entries.filter((e) => e.kind === 'manual').length;
        expect(out.summary.manual_refunds).toHaveLength(manualCount);
        expect(refundsCsv.filter((r) => r.method === 'MANUAL' && r.amount === '')).toHaveLength(manualCount);
        // The one page treasury signs off ties to summary.json's money.
        const page = parse(out.files.find((f) => f.name === 'refunds-summary.csv')!.content, { columns: true }) as Record<string, string>[];
        expect(page.find((r) => r.group === 'total')).toEqual({ group: 'total', item: 'refunds.csv', rows: String(refundsCsv.length), amount: money.total.amount_refunded });
        expect(page.find((r) => r.group === 'check')!.amount).toBe('0.00');
      }),
      { numRuns: 150 },
    );
  });

  test('a refunds file that does not add up is a broken invariant', () => {
    const settlements = settleInstructions({
      instructions: [rejected('BRK001', 'A1', 'OUTSIDE_WINDOW')], multiples: new Set(), allocation: allocationOf({}), finalPrice: '3.85', fees: offering.fees,
    });
    const rows = buildRefundRows(settlements, registry(), { currency: 'HKD', value_date: '2021-12-29' });
    expect(() => reconcileMoney(settlements, [{ ...rows[0]!, amount: '4030.20' }])).toThrow(InvariantError);
    expect(() => reconcileMoney(settlements, [])).toThrow(InvariantError);
    expect(reconcileMoney(settlements, rows).total).toEqual({ amount_paid: '4030.21', amount_kept: '0.00', amount_refunded: '4030.21', manual_refunds: 0 });
  });

  test('a manual refund needs its MANUAL row, with no amount', () => {
    const settlements = settleInstructions({
      instructions: [rejected('BRK001', 'A1', 'AMOUNT_INVALID', { amount_paid: null, amount_paid_text: '12,00' })],
      multiples: new Set(), allocation: allocationOf({}), finalPrice: '3.85', fees: offering.fees,
    });
    const rows = buildRefundRows(settlements, registry(), { currency: 'HKD', value_date: null });
    expect(rows.map((r) => [r.refund_ref, r.method, r.amount])).toEqual([['M00000001', 'MANUAL', '']]);
    expect(reconcileMoney(settlements, rows).total.manual_refunds).toBe(1);
    expect(() => reconcileMoney(settlements, [])).toThrow(InvariantError);
    expect(() => reconcileMoney(settlements, [{ ...rows[0]!, amount: '12.00' }])).toThrow(InvariantError);
  });
});
