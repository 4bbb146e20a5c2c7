/** Builds a ResultsIndex from CSV text, as the shell feeds it (header first, then rows with their line). */
import { parse } from 'csv-parse/sync';
import { ResultsIndex } from '../../../src/publish/results-index';
import { ResultsIndexBuilder } from '../../../src/publish/results-index-builder';

export const RESULTS_HEADER = 'participant_id,instruction_ref,channel,applicant_ids,pool,shares_applied,shares_allotted,status,reason_code';
export const REFUNDS_HEADER = 'refund_ref,participant_id,instruction_ref,channel,method,payee_account,payee_name,amount,reason';

export function indexOf(results: string, refunds: string, manual: [string, string][] = []): ResultsIndex {
  const b = new ResultsIndexBuilder({ applications: 2 });
  (parse(results) as string[][]).forEach((f, i) => (i === 0 ? b.resultColumns(f) : b.addResult(f, i + 1)));
  (parse(refunds) as string[][]).forEach((f, i) => (i === 0 ? b.refundColumns(f) : b.addRefund(f, i + 1)));
  for (const [p, r] of manual) b.addManualRefund(p, r);
  return b.build();
}
