/**
 * ControlTotalsAdder (a parse batch's sums, small values added as numbers) and addToControlTotals
 * against the sums worked out here with every value a bigint or a decimal: the very same totals,
 * whatever the values, including sums that pass 2^53 and values too long to be exact as numbers.
 */
import fc from 'fast-check';
import { addToControlTotals, ControlTotals, ControlTotalsAdder, emptyControlTotals, totalAmount } from '../../../src/ingest/control-totals';

type Field = string | undefined;

/** The sums as the spec states them, every value a bigint or a decimal (the reference). */
function oneByOne(records: readonly [Field, Field][]): ControlTotals {
  const t = emptyControlTotals();
  for (const [s, a] of records) {
    t.record_count += 1n;
    if (s !== undefined && /^[0-9]+$/.test(s)) t.total_shares += BigInt(s);
    if (a === undefined) continue;
    if (/^[0-9]+\.[0-9]{2}$/.test(a)) t.total_cents += BigInt(a.slice(0, -3) + a.slice(-2));
    else if (/^-?[0-9]+(\.[0-9]+)?$/.test(a)) t.other_amount = t.other_amount.plus(a);
  }
  return t;
}

/** addToControlTotals, a record at a time. */
function viaAddToControlTotals(records: readonly [Field, Field][]): ControlTotals {
  const t = emptyControlTotals();
  for (const [s, a] of records) addToControlTotals(t, s, a);
  return t;
}

function batched(records: readonly [Field, Field][], batch: number): ControlTotals {
  const t = emptyControlTotals();
  for (let i = 0; i < records.length; i += batch) {
    const adder = new ControlTotalsAdder(t);
    for (const [s, a] of records.slice(i, i + batch)) adder.add(s, a);
    adder.fold();
  }
  return t;
}

const plain = (t: ControlTotals) => ({ record_count: t.record_count, total_shares: t.total_shares, total: totalAmount(t).toFixed() });

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const shares: fc.Arbitrary<Field> = fc.oneof(digits(1, 6), digits(14, 17), fc.constant('9'.repeat(15)), fc.constant('-1000'), fc.constant('1e3'), fc.constant(''), fc.constant(undefined));
const amount: fc.Arbitrary<Field> = fc.oneof(
  fc.tuple(digits(1, 8), digits(2, 2)).map(([a, b]) => `${a}.${b}`),
  fc.tuple(digits(11, 16), digits(2, 2)).map(([a, b]) => `${a}.${b}`),
  fc.constant('9999999999999.99'), fc.constant('16120.8'), fc.constant('-1.005'), fc.constant('abc'), fc.constant(''), fc.constant(undefined),
);

describe('control totals summed a batch at a time', () => {
  it('are the totals of adding each record alone', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(shares, amount), { maxLength: 300 }), fc.integer({ min: 1, max: 600 }), (records, batch) => {
        expect(plain(batched(records, batch))).toEqual(plain(oneByOne(records)));
        expect(plain(viaAddToControlTotals(records))).toEqual(plain(oneByOne(records)));
      }),
      { numRuns: 300 },
    );
  });

  it('fold before a number sum passes 2^53: 2,000 amounts of 9,999,999,999,999.99 and 2,000 of 999,999,999,999,999 shares', () => {
    const records: [Field, Field][] = Array.from({ length: 2000 }, () => ['999999999999999', '9999999999999.99']);
    const t = batched(records, 2000);
    expect(t.record_count).toBe(2000n);
    expect(t.total_shares).toBe(999999999999999n * 2000n);
    expect(t.total_cents).toBe(999999999999999n * 2000n);
    expect(totalAmount(t).toFixed(2)).toBe('19999999999999980.00');
  });
});
