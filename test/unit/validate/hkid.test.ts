import { checkIdentity, hkidCheckDigit } from '../../../src/validate/hkid';

describe('HKID check digit', () => {
  it('computes the published algorithm (space = 36, A = 10, weights 9..2; 10 -> A, 11 -> 0)', () => {
    expect(hkidCheckDigit('A', '123456')).toBe('3');
    expect(hkidCheckDigit('C', '668668')).toBe('9');
    expect(hkidCheckDigit('C', '345678')).toBe('A');
    expect(hkidCheckDigit('B', '100005')).toBe('0');
  });
  it('normalises and checks', () => {
    expect(checkIdentity('HKID', 'a123456(3)')).toEqual({ ok: true, normalised: 'A1234563' });
    expect(checkIdentity('HKID', 'A123456(7)')).toEqual({ ok: false, code: 'HKID_CHECK_DIGIT', normalised: 'A1234567' });
    expect(checkIdentity('HKID', 'A12345(6)').ok).toBe(false);
    expect(checkIdentity('HKID', 'ABC123456(3)')).toMatchObject({ code: 'ID_INVALID' });
    expect(checkIdentity('CI', '1234567')).toEqual({ ok: true, normalised: '1234567' });
    expect(checkIdentity('BR', '1234567')).toMatchObject({ ok: false, code: 'ID_INVALID' });
    expect(checkIdentity('PASSPORT', 'k 12')).toMatchObject({ ok: false });
  });
});
