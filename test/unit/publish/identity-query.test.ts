import { parseIdentityQuery } from '../../../src/publish/identity-query';

describe('the search query: normalised and validated exactly as ingest does', () => {
  it.each([
    ['HKID', 'A1234563', 'HKID:A1234563', 'A1*****3'],
    ['HKID', 'a123456(3)', 'HKID:A1234563', 'A1*****3'],
    ['hkid', ' A 123456 (3) ', 'HKID:A1234563', 'A1*****3'],
    ['HKID', 'F678901(A)', 'HKID:F678901A', 'F6*****A'],
    ['HKID', 'xa1122336', 'HKID:XA1122336', 'XA******6'],
    ['PASSPORT', 'k12345678', 'PASSPORT:K12345678', 'K1******8'],
    ['BR', '3123 4567', 'BR:31234567', '31*****7'],
    ['CI', '1234567', 'CI:1234567', '12****7'],
  ])('%s %j is the key %s, echoed %s', (id_type, id, key, masked) => {
    expect(parseIdentityQuery({ id_type, id })).toEqual({ ok: true, id_type: id_type.toUpperCase(), key, masked });
  });

  it.each([
    [{ id: 'A1234563' }, 'ID_TYPE_INVALID', null],
    [{ id_type: 'DRIVING', id: 'A1234563' }, 'ID_TYPE_INVALID', null],
    [{ id_type: ['HKID', 'BR'], id: 'A1234563' }, 'ID_TYPE_INVALID', null],
    [{ id_type: 'HKID' }, 'ID_MISSING', null],
    [{ id_type: 'HKID', id: '   ' }, 'ID_MISSING', null],
    [{ id_type: 'HKID', id: ['A1234563', 'B2345671'] }, 'ID_INVALID', null],
    [{ id_type: 'HKID', id: 'A1234567' }, 'HKID_CHECK_DIGIT', 'A1*****7'],
    [{ id_type: 'HKID', id: 'A12345' }, 'ID_INVALID', null],
    [{ id_type: 'HKID', id: 'A123*' }, 'ID_INVALID', null],
    [{ id_type: 'HKID', id: 'A%' }, 'ID_INVALID', null],
    [{ id_type: 'PASSPORT', id: 'K1234*' }, 'ID_INVALID', null],
    [{ id_type: 'BR', id: '3123456' }, 'ID_INVALID', null],
    [{ id_type: 'PASSPORT', id: 'K'.repeat(33) }, 'ID_INVALID', null],
  ])('%j is refused with %s (echo %s): no wildcard, prefix or listing', (query, code, masked) => {
    const q = parseIdentityQuery(query);
    expect(q.ok).toBe(false);
    if (!q.ok) {
      expect(q.code).toBe(code);
      expect(q.masked).toBe(masked);
      expect(q.message.length).toBeGreaterThan(10);
    }
  });
});
