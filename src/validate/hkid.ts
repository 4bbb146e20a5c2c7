/**
 * Identity documents (spec: instruction-file.md, D fields 4, 5 and 7).
 *
 * Normalisation (also the key for multiple applications): spaces removed, upper case, and for an
 * HKID the brackets around the check digit removed: `a123456(3)` -> `A1234563`.
 *
 * HKID check digit: letters count A=10 ... Z=35; a single-letter prefix is padded in front with a
 * space worth 36; the 8 positions (2 letters + 6 digits) are weighted 9, 8, ..., 2; the check is
 * 11 - (sum mod 11), where 10 is written `A` and 11 is written `0`.
 */
import { ID_TYPES, IdType } from '../domain/types';

export type IdentityCheck =
  | { ok: true; normalised: string }
  | { ok: false; code: 'ID_INVALID' | 'HKID_CHECK_DIGIT'; normalised: string };

const HKID = /^([A-Z]{1,2})([0-9]{6})(?:\(([0-9A])\)|([0-9A]))$/;
const PATTERNS: Record<Exclude<IdType, 'HKID'>, RegExp> = {
  PASSPORT: /^[A-Z0-9]{5,20}$/,
  BR: /^[0-9]{8}$/,
  CI: /^[0-9]{7,8}$/,
};

export function isIdType(text: string): text is IdType {
  return (ID_TYPES as readonly string[]).includes(text);
}

/** The check digit an HKID body (1-2 letters + 6 digits, upper case) must carry. */
export function hkidCheckDigit(letters: string, digits: string): string {
  // Positions weighted 9, 8, ..., 2 over the 8 values: a single letter is padded in front with 36.
  let sum = letters.length === 1 ? 36 * 9 + (letters.charCodeAt(0) - 55) * 8 : (letters.charCodeAt(0) - 55) * 9 + (letters.charCodeAt(1) - 55) * 8;
  for (let i = 0; i < 6; i++) sum += (digits.charCodeAt(i) - 48) * (7 - i);
  const check = 11 - (sum % 11);
  return check === 10 ? 'A' : check === 11 ? '0' : String(check);
}

/** Nothing to remove or raise: no white space, no lower case. */
const COMPACT = /^[A-Z0-9()]*$/;

/** The last number checked (a record's applicant is checked by its rule, then read for the store). */
let last: { type: IdType; number: string; result: IdentityCheck } | null = null;

/** Checks a document number for its type and returns its normalised form. */
export function checkIdentity(type: IdType, number: string): IdentityCheck {
  if (last !== null && last.number === number && last.type === type) return last.result;
  const result = checkIdentityOnce(type, number);
  last = { type, number, result };
  return result;
}

function checkIdentityOnce(type: IdType, number: string): IdentityCheck {
  const compact = COMPACT.test(number) ? number : number.replace(/\s+/g, '').toUpperCase();
  if (type !== 'HKID') {
    return PATTERNS[type].test(compact) ? { ok: true, normalised: compact } : { ok: false, code: 'ID_INVALID', normalised: compact };
  }
  const m = HKID.exec(compact);
  if (!m) return { ok: false, code: 'ID_INVALID', normalised: compact.replace(/[()]/g, '') };
  const check = (m[3] ?? m[4])!;
  const normalised = `${m[1]}${m[2]}${check}`;
  return hkidCheckDigit(m[1]!, m[2]!) === check ? { ok: true, normalised } : { ok: false, code: 'HKID_CHECK_DIGIT', normalised };
}
