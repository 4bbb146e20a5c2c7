import { IdentityTable } from '../../../src/publish/identity-table';
import { hkidCheckDigit } from '../../../src/validate/hkid';

describe('IdentityTable', () => {
  it('numbers keys densely in the order they are added, and finds each exactly', () => {
    const t = new IdentityTable(4);
    expect(t.add('HKID:A1234563')).toBe(0);
    expect(t.add('PASSPORT:K12345678')).toBe(1);
    expect(t.add('HKID:A1234563')).toBe(0);
    expect(t.size).toBe(2);
    expect(t.find('HKID:A1234563')).toBe(0);
    expect(t.find('PASSPORT:K12345678')).toBe(1);
    expect(t.keyOf(1)).toBe('PASSPORT:K12345678');
  });

  it('finds no prefix, no longer key and no other type of the same number', () => {
    const t = new IdentityTable();
    t.add('HKID:A1234563');
    for (const other of ['HKID:A123456', 'HKID:A12345631', 'PASSPORT:A1234563', 'HKID:a1234563', 'HKID:', '', 'HKID:A1234563 ']) expect(t.find(other)).toBe(-1);
  });

  it('grows far past its size hint and still finds all of 50,000 keys (and none of 50,000 others)', () => {
    const t = new IdentityTable(16);
    const key = (i: number) => {
      const digits = String(100000 + i);
      return `HKID:B${digits}${hkidCheckDigit('B', digits)}`;
    };
    for (let i = 0; i < 50000; i++) expect(t.add(key(i))).toBe(i);
    expect(t.size).toBe(50000);
    let found = 0;
    let stray = 0;
    for (let i = 0; i < 50000; i++) {
      if (t.find(key(i)) === i) found += 1;
      if (t.find(key(i + 50000)) !== -1) stray += 1;
    }
    expect(found).toBe(50000);
    expect(stray).toBe(0);
    // Compact: well under 64 bytes a key including the open-addressing slots.
    expect(t.bytes / t.size).toBeLessThan(64);
  });

  it('refuses a key that is not ASCII (a normalised document number never is)', () => {
    expect(() => new IdentityTable().add('HKID:Ａ1234563')).toThrow(RangeError);
  });
});
