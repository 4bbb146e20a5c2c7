/**
 * certificates.csv: one row per WHITE_FORM application with shares allotted, in the results
 * order (spec: outputs.md). delivery is COLLECT when the offering sets
 * `certificates.collect_in_person_min_shares` and the application was for at least that many
 * shares (Hong Kong practice: "applied for 1,000,000 shares or more and wholly or partially
 * successful"; only successful applications have a row at all), else POST.
 */
import type { Channel, StoredInstruction } from '../domain/types';
import { CERTIFICATE_COLUMNS, CsvRow } from './output-columns';
import type { Settlement } from './settlement';
import { neutraliseCell } from './spreadsheet-safe';

export type CertificateRow = CsvRow<typeof CERTIFICATE_COLUMNS>;
export type Delivery = 'POST' | 'COLLECT';

export function deliveryFor(sharesApplied: number, collectMinShares: number | undefined): Delivery {
  return collectMinShares !== undefined && sharesApplied >= collectMinShares ? 'COLLECT' : 'POST';
}

/** Whether an instruction has a row: shares allotted on a White Form eIPO application. */
export function hasCertificate(channel: Channel, sharesAllotted: number): boolean {
  return sharesAllotted > 0 && channel === 'WHITE_FORM';
}

export function certificateRow(i: StoredInstruction, sharesAllotted: number, collectMinShares: number | undefined): CertificateRow {
  return {
    instruction_ref: neutraliseCell(i.instruction_ref),
    applicant_name: neutraliseCell(i.applicant_name),
    shares: String(sharesAllotted),
    delivery: deliveryFor(i.shares ?? 0, collectMinShares),
  };
}

export function buildCertificateRows(settlements: readonly Settlement[], collectMinShares: number | undefined): CertificateRow[] {
  return settlements.filter((s) => hasCertificate(s.instruction.channel, s.shares_allotted)).map((s) => certificateRow(s.instruction, s.shares_allotted, collectMinShares));
}
