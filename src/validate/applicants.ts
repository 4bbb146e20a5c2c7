/**
 * Applicant rules (spec: instruction-file.md, D fields 4-7): document type, number (with the HKID
 * check digit), name and joint applicants. Numbers in details are always masked.
 */
import { Rejection, rejection } from '../domain/reasons';
import { maskIdentity, maskUntrusted } from '../domain/mask';
import type { DetailFields } from '../ingest/record-layout';
import { checkIdentity, isIdType } from './hkid';

export const MAX_NAME_CHARACTERS = 200;
export const MAX_JOINT_APPLICANTS = 3;

export function firstApplicantRule(f: DetailFields, line: number): Rejection | null {
  if (!isIdType(f.applicant_id_type)) return rejection('ID_TYPE_INVALID', line, { field: 'applicant_id_type', value: maskUntrusted(f.applicant_id_type) });
  const id = checkIdentity(f.applicant_id_type, f.applicant_id);
  if (!id.ok) return rejection(id.code, line, { field: 'applicant_id', value: maskIdentity(id.normalised), extra: f.applicant_id_type });
  return null;
}

/** Unicode code points of a text (a surrogate pair is one; a lone surrogate is one). */
function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n -= 1;
        i += 1;
      }
    }
  }
  return n;
}

/** Non-empty (not only spaces) and at most 200 characters (Unicode code points). */
export function nameRule(f: DetailFields, line: number): Rejection | null {
  const length = codePoints(f.applicant_name);
  if (f.applicant_name.trim() === '' || length > MAX_NAME_CHARACTERS) {
    return rejection('NAME_INVALID', line, { field: 'applicant_name', extra: `${length} characters` });
  }
  return null;
}

/** `TYPE:NUMBER` entries separated by `;`, at most 3; each number checked as in fields 4 and 5. */
export function jointApplicantsRule(f: DetailFields, line: number): Rejection | null {
  if (f.joint_applicants === '') return null;
  const entries = f.joint_applicants.split(';');
  if (entries.length > MAX_JOINT_APPLICANTS) {
    return rejection('JOINT_APPLICANTS_INVALID', line, { field: 'joint_applicants', extra: `${entries.length} entries, at most ${MAX_JOINT_APPLICANTS}` });
  }
  for (const [i, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const type = colon < 0 ? '' : entry.slice(0, colon).trim();
    if (colon < 0 || !isIdType(type)) {
      return rejection('JOINT_APPLICANTS_INVALID', line, { field: 'joint_applicants', extra: `entry ${i + 1} is not TYPE:NUMBER with TYPE one of HKID, PASSPORT, BR, CI` });
    }
    const id = checkIdentity(type, entry.slice(colon + 1));
    if (!id.ok) return rejection(id.code, line, { field: 'joint_applicants', value: `${type}:${maskIdentity(id.normalised)}`, extra: `entry ${i + 1}` });
  }
  return null;
}

/** The normalised `TYPE:NUMBER` of every applicant that can be read (first applicant first). */
export function readableApplicantIds(f: Partial<DetailFields>): string[] {
  const ids: string[] = [];
  const add = (type: string, number: string) => {
    if (!isIdType(type)) return;
    const id = checkIdentity(type, number);
    if (id.ok) ids.push(`${type}:${id.normalised}`);
  };
  if (f.applicant_id_type !== undefined && f.applicant_id !== undefined) add(f.applicant_id_type, f.applicant_id);
  if (f.joint_applicants) {
    for (const entry of f.joint_applicants.split(';')) {
      const colon = entry.indexOf(':');
      if (colon > 0) add(entry.slice(0, colon).trim(), entry.slice(colon + 1));
    }
  }
  return ids;
}
