/**
 * certificates.csv: one row per WHITE_FORM application with shares allotted, in the results
 * order (spec: outputs.md). delivery is COLLECT when the offering sets
 * `certificates.collect_in_person_min_shares` and the application was for at least that many
 * shares (Hong Kong practice: "applied for 1,000,000 shares or more and wholly or partially
 * successful"; only successful applications have a row at all), else POST.
 */
import { CERTIFICATE_COLUMNS, CsvRow } from './output-columns';
import type { Settlement } from './settlement';
import { neutraliseCell } from './spreadsheet-safe';

export type CertificateRow = CsvRow<typeof CERTIFICATE_COLUMNS>;
export type Delivery = 'POST' | 'COLLECT';

export function deliveryFor(sharesApplied: number, collectMinShares: number | undefined): Delivery {
  return collectMinShares !== undefined && sharesApplied >= collectMinShares ? 'COLLECT' : 'POST';
}

export function buildCertificateRows(settlements: readonly Settlement[], collectMinShares: number | undefined): CertificateRow[] {
  return settlements
    .filter((s) => s.shares_allotted > 0 && s.instruction.channel === 'WHITE_FORM')
    .map((s) => ({
      instruction_ref: neutraliseCell(s.instruction.instruction_ref),
      applicant_name: neutraliseCell(s.instruction.applicant_name),
      shares: String(s.shares_allotted),
      delivery: deliveryFor(s.instruction.shares ?? 0, collectMinShares),
    }));
}
