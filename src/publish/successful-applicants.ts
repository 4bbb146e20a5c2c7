/**
 * The successful applicants' identification document numbers, as the allotment results
 * announcement lists them (and the same list as CSV for the exchange): every document of every
 * application with shares allotted (joint applicants included), sorted by document type and then
 * number (text order, by UTF-16 code unit, never by locale), each shown in full or masked as the
 * offering's `publication.successful_ids` says. Pure.
 */
import { maskIdentity } from '../domain/mask';
import type { ResultsIndex } from './results-index';

/** How the announcement shows numbers (offering `publication.successful_ids`). */
export type IdForm = 'masked' | 'full';

export interface SuccessfulApplicant {
  /** Normalised `TYPE:NUMBER`. */
  key: string;
  applicant: 'FIRST' | 'JOINT';
  channel: string;
  shares_applied: string;
  shares_allotted: number;
}

function byKeyThenRow(a: { key: string; row: number }, b: { key: string; row: number }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.row - b.row;
}

export function successfulApplicants(index: ResultsIndex): SuccessfulApplicant[] {
  const found: (SuccessfulApplicant & { row: number })[] = [];
  for (const { key, applications } of index.entries()) {
    let lastRow = -1;
    for (const a of applications) {
      // A document repeated inside one application is listed once.
      if (a.shares_allotted <= 0 || a.row === lastRow) continue;
      lastRow = a.row;
      found.push({ key, row: a.row, applicant: a.applicant_position === 0 ? 'FIRST' : 'JOINT', channel: a.channel, shares_applied: a.shares_applied, shares_allotted: a.shares_allotted });
    }
  }
  return found.sort(byKeyThenRow).map(({ row: _row, ...rest }) => rest);
}

/** `HKID:A1234563` -> type `HKID`, number `A1234563` (or `A1*****3` masked). */
export function shownIdentity(key: string, form: IdForm): { id_type: string; id_number: string } {
  const colon = key.indexOf(':');
  const number = key.slice(colon + 1);
  return { id_type: key.slice(0, colon), id_number: form === 'full' ? number : maskIdentity(number) };
}

export const SUCCESSFUL_CSV_COLUMNS = ['id_type', 'id_number', 'applicant', 'channel', 'shares_applied', 'shares_allotted'] as const;

/** RFC 4180 quoting where needed (a rejected quantity is never listed; numbers never need it). */
function cell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** successful-applicants.csv in chunks: header, then one row per listed document. */
export function* successfulApplicantsCsv(list: readonly SuccessfulApplicant[], form: IdForm): Generator<string> {
  yield `${SUCCESSFUL_CSV_COLUMNS.join(',')}\n`;
  let chunk = '';
  for (const a of list) {
    const id = shownIdentity(a.key, form);
    chunk += `${id.id_type},${cell(id.id_number)},${a.applicant},${a.channel},${cell(a.shares_applied)},${a.shares_allotted}\n`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
