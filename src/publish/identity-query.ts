/**
 * The "search by ID" query: a document type and a number, normalised and check-digit validated
 * exactly as ingest does (validate/hkid.ts checkIdentity, then the multiple-application key of
 * allocate/multiple-applications.ts), so the number a person types finds the key results.csv
 * holds. Only an exact, whole, valid number is ever looked up: no prefix, wildcard or listing.
 * The number is echoed masked, never in full. Pure.
 */
import { maskIdentity } from '../domain/mask';
import { ID_TYPES, IdType } from '../domain/types';
import { normaliseIdentity } from '../allocate/multiple-applications';
import { checkIdentity, isIdType } from '../validate/hkid';

/** Longest number accepted as typed (a passport number is at most 20 characters; spaces and brackets allowed around). */
export const MAX_QUERY_CHARACTERS = 32;

export type QueryProblem = 'ID_TYPE_INVALID' | 'ID_MISSING' | 'ID_INVALID' | 'HKID_CHECK_DIGIT';

export type IdentityQuery =
  | { ok: true; id_type: IdType; key: string; masked: string }
  | { ok: false; code: QueryProblem; id_type: string | null; masked: string | null; message: string };

const ID_TYPE_NAMES: Record<IdType, string> = {
  HKID: 'Hong Kong identity card',
  PASSPORT: 'passport',
  BR: 'business registration certificate',
  CI: 'certificate of incorporation',
};

/** The words for a document type, e.g. `Hong Kong identity card`. */
export function idTypeName(type: IdType): string {
  return ID_TYPE_NAMES[type];
}

const FORMAT_HINT: Record<IdType, string> = {
  HKID: 'one or two letters, six digits and the check digit, e.g. A123456(3)',
  PASSPORT: '5 to 20 letters and digits',
  BR: 'the 8 digits of the business registration number',
  CI: 'the 7 or 8 digits of the certificate of incorporation',
};

/** One text parameter, or null when it is missing, repeated or not text. */
function single(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Reads `id_type` and `id` from a query (as an HTTP framework parses it: repeated keys become arrays). */
export function parseIdentityQuery(query: { id_type?: unknown; id?: unknown }): IdentityQuery {
  const type = single(query.id_type)?.trim().toUpperCase() ?? '';
  if (!isIdType(type)) {
    return { ok: false, code: 'ID_TYPE_INVALID', id_type: null, masked: null, message: `Choose the type of identity document: ${ID_TYPES.join(', ')}.` };
  }
  if (Array.isArray(query.id)) {
    return { ok: false, code: 'ID_INVALID', id_type: type, masked: null, message: 'Search for one number at a time.' };
  }
  const raw = single(query.id);
  if (raw === null || raw.trim() === '') {
    return { ok: false, code: 'ID_MISSING', id_type: type, masked: null, message: `Enter the ${idTypeName(type)} number.` };
  }
  if (raw.length > MAX_QUERY_CHARACTERS) {
    return { ok: false, code: 'ID_INVALID', id_type: type, masked: null, message: `That is not a ${idTypeName(type)} number: enter ${FORMAT_HINT[type]}.` };
  }
  const checked = checkIdentity(type, raw);
  const masked = maskIdentity(checked.normalised);
  if (!checked.ok) {
    // Only a number of the right shape is echoed (masked); anything else is not repeated back.
    const message = checked.code === 'HKID_CHECK_DIGIT'
      ? 'The check digit (the character in brackets) does not match this Hong Kong identity card number: check the number and try again.'
      : `That is not a ${idTypeName(type)} number: enter ${FORMAT_HINT[type]}.`;
    return { ok: false, code: checked.code, id_type: type, masked: checked.code === 'HKID_CHECK_DIGIT' ? masked : null, message };
  }
  return { ok: true, id_type: type, key: normaliseIdentity(`${type}:${checked.normalised}`), masked };
}
