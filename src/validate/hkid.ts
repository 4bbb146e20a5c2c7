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
  const values: number[] = [];
  if (letters.length === 1) values.push(36);
  for (const ch of letters) values.push(ch.charCodeAt(0) - 55);
  for (const ch of digits) values.push(ch.charCodeAt(0) - 48);
  const sum = values.reduce((acc, v, i) => acc + v * (9 - i), 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 'A' : check === 11 ? '0' : String(check);
}

/** Checks a document number for its type and returns its normalised form. */
export function checkIdentity(type: IdType, number: string): IdentityCheck {
  const compact = number.replace(/\s+/g, '').toUpperCase();
  if (type !== 'HKID') {
    return PATTERNS[type].test(compact) ? { ok: true, normalised: compact } : { ok: false, code: 'ID_INVALID', normalised: compact };
  }
  const m = HKID.exec(compact);
  if (!m) return { ok: false, code: 'ID_INVALID', normalised: compact.replace(/[()]/g, '') };
  const check = (m[3] ?? m[4])!;
  const normalised = `${m[1]}${m[2]}${check}`;
  return hkidCheckDigit(m[1]!, m[2]!) === check ? { ok: true, normalised } : { ok: false, code: 'HKID_CHECK_DIGIT', normalised };
}
