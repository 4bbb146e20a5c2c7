import fc from 'fast-check';
import { CompactBookBuilder, CompactInput, hash52, PAID_BIG, PAID_MANUAL } from '../../../src/allocate/compact-book';
import { compareKeys, findMultipleApplications } from '../../../src/allocate';
import { CentsSum } from '../../../src/refund/compact-settlement';
import { formatCents, formatCentsOf } from '../../../src/money/cents';
import { InvariantError, StorageError } from '../../../src/domain/errors';

const input = (line: number, ref: string, ids: string[], over: Partial<CompactInput> = {}): CompactInput => ({
  line, instruction_ref: ref, applicant_ids: ids, shares: 1000, amount_paid: '4030.21', amount_paid_text: '4030.21',
  applicant_name: 'A', refund_account: '', status: 'ACCEPTED', reason_code: null, ...over,
});

describe('compact book', () => {
  test('key order compares participant_id with its slash: P1-/x before P1/x, as a sort of the keys gives', () => {
    const b = new CompactBookBuilder(4);
    const p1 = b.addFile({ participant_id: 'P1', channel: 'CLEARING', file_seq: 1 });
    b.add(p1, input(2, 'b', ['HKID:A1']));
    b.add(p1, input(3, 'a', ['HKID:A2']));
    const p2 = b.addFile({ participant_id: 'P1-', channel: 'CLEARING', file_seq: 1 });
    b.add(p2, input(2, 'z', ['HKID:A3']));
    b.add(p2, input(3, 'y', ['HKID:A4'], { status: 'REJECTED', reason_code: 'X' }));
    const book = b.finish();
    const keyOf = (i: number) => `${book.files[book.file[i]!]!.participant_id}/${book.refs[i]}`;
    // Results order: participant_id, then instruction_ref.
    expect(Array.from(book.order).map(keyOf)).toEqual(['P1/a', 'P1/b', 'P1-/y', 'P1-/z']);
    // Key order: the valid applications sorted as their keys are.
    const keys = Array.from(book.keyOrder).map(keyOf);
    expect(keys).toEqual(['P1-/z', 'P1/a', 'P1/b']);
    expect([...keys].sort(compareKeys)).toEqual(keys);
  });

  test('multiple applications as findMultipleApplications finds them (joint applicants, brackets and case)', () => {
    const items = [
      { key: 'P/1', applicant_ids: ['HKID:A123456(3)'] },
      { key: 'P/2', applicant_ids: ['HKID:B1', 'hkid:a1234563'] },
      { key: 'P/3', applicant_ids: ['HKID:C1', 'HKID:C1'] },
      { key: 'P/4', applicant_ids: ['PASSPORT:A1234563'] },
    ];
    const b = new CompactBookBuilder(items.length);
    const f = b.addFile({ participant_id: 'P', channel: 'INVESTOR', file_seq: 1 });
    items.forEach((it, k) => b.add(f, input(k + 2, it.key.slice(2), it.applicant_ids)));
    const book = b.finish();
    const flagged = items.filter((_, k) => book.multiple[k] === 1).map((it) => it.key);
    expect(flagged).toEqual([...findMultipleApplications(items)].sort());
    expect(flagged).toEqual(['P/1', 'P/2']);
  });

  test('hash52 spreads: 200,000 distinct identities, no two equal hashes', () => {
    const seen = new Set<number>();
    for (let k = 0; k < 200_000; k++) seen.add(hash52(`HKID:A${String(k).padStart(7, '0')}`));
    expect(seen.size).toBe(200_000);
  });

  test('the store must hold what its metas count, files in store order, accepted keys once', () => {
    const short = new CompactBookBuilder(2);
    short.add(short.addFile({ participant_id: 'P', channel: 'CLEARING', file_seq: 1 }), input(2, 'a', []));
    expect(() => short.finish()).toThrow(StorageError);
    const order = new CompactBookBuilder(0);
    order.addFile({ participant_id: 'Q', channel: 'CLEARING', file_seq: 1 });
    expect(() => order.addFile({ participant_id: 'P', channel: 'CLEARING', file_seq: 1 })).toThrow(InvariantError);
    const twice = new CompactBookBuilder(2);
    const f = twice.addFile({ participant_id: 'P', channel: 'CLEARING', file_seq: 1 });
    twice.add(f, input(2, 'a', []));
    twice.add(f, input(3, 'a', []));
    expect(() => twice.finish()).toThrow(/two accepted instructions share the key P\/a/);
  });

  test('amounts paid: d+.dd in cents, beyond safe integers as bigint, anything else a manual refund', () => {
    const b = new CompactBookBuilder(3);
    const f = b.addFile({ participant_id: 'P', channel: 'WHITE_FORM', file_seq: 1 });
    b.add(f, input(2, 'a', [], { amount_paid: '12.34', status: 'REJECTED', reason_code: 'X' }));
    b.add(f, input(3, 'b', [], { amount_paid: '123456789012345678.90', status: 'REJECTED', reason_code: 'X' }));
    b.add(f, input(4, 'c', [], { amount_paid: null, amount_paid_text: '12,34', status: 'REJECTED', reason_code: 'X' }));
    const book = b.finish();
    expect(book.paid[0]).toBe(1234);
    expect(book.bigPaid.get(1)).toBe(12345678901234567890n);
    expect(book.manual.map((m) => [m.instruction_ref, m.amount_paid_text])).toEqual([['c', '12,34']]);
  });

  test('amounts paid: every d+.dd is its exact cents, on both sides of 15 digits; any other text is a manual refund', () => {
    const digits = fc.stringMatching(/^(0|[1-9][0-9]{0,18})$/);
    const amount = fc.oneof(fc.tuple(digits, fc.stringMatching(/^[0-9]{2}$/)).map(([w, d]) => `${w}.${d}`), fc.string(), fc.constantFrom('01.00', '1.0', '1.000', '-1.00', '.50', '1e3.00', ' 1.00'));
    fc.assert(fc.property(amount, (text) => {
      const b = new CompactBookBuilder(1);
      b.add(b.addFile({ participant_id: 'P', channel: 'CLEARING', file_seq: 1 }), input(2, 'a', [], { amount_paid: text, amount_paid_text: text, status: 'REJECTED', reason_code: 'X' }));
      const book = b.finish();
      if (!/^(0|[1-9][0-9]*)\.[0-9]{2}$/.test(text)) {
        expect(book.paid[0]).toBe(PAID_MANUAL);
        return;
      }
      const cents = BigInt(text.replace('.', ''));
      if (text.length - 1 <= 15) expect(book.paid[0]).toBe(Number(cents));
      else {
        expect(book.paid[0]).toBe(PAID_BIG);
        expect(book.bigPaid.get(0)).toBe(cents);
      }
    }), { numRuns: 1000 });
    // The boundary: 15 digits a number of cents, 16 a bigint.
    const b = new CompactBookBuilder(3);
    const f = b.addFile({ participant_id: 'P', channel: 'CLEARING', file_seq: 1 });
    for (const [k, text] of ['9999999999999.99', '10000000000000.00', '0.07'].entries()) b.add(f, input(k + 2, `r${k}`, [], { amount_paid: text, status: 'REJECTED', reason_code: 'X' }));
    const book = b.finish();
    expect([book.paid[0], book.paid[1], book.paid[2]]).toEqual([999999999999999, PAID_BIG, 7]);
    expect(book.bigPaid.get(1)).toBe(1000000000000000n);
  });
});

describe('cents', () => {
  test('formatCentsOf = formatCents for numbers and bigints', () => {
    for (const c of [0, 1, 9, 10, 99, 100, 101, 403021, -5, -100, 2 ** 53 - 1]) expect(formatCentsOf(c)).toBe(formatCents(BigInt(c)));
    expect(formatCentsOf(12345678901234567890n)).toBe('123456789012345678.90');
  });

  test('CentsSum stays exact past 2^53 cents', () => {
    const s = new CentsSum();
    for (let k = 0; k < 5000; k++) s.add(2 ** 50 + 7);
    s.add(3n);
    expect(s.value()).toBe(5000n * (2n ** 50n + 7n) + 3n);
  });
});
