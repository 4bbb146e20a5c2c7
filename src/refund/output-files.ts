/**
 * From an allocation to the contents of every output file (spec: outputs.md), checked before
 * anything is written: money reconciled to the cent, shares to the allocation. Pure: the
 * caller writes the strings (src/io/outputs.ts).
 */
import type { Allocation } from '../domain/allocation';
import type { ParticipantRegistry, StoredInstruction } from '../domain/types';
import type { Offering } from '../offering/schema';
import { buildCertificateRows } from './certificates';
import { buildDepositRows } from './deposits';
import { MANIFEST_NAME, OutputFile, renderManifest } from './manifest';
import { BASIS_COLUMNS, CERTIFICATE_COLUMNS, DEPOSIT_COLUMNS, REFUND_COLUMNS, REFUNDS_SUMMARY_COLUMNS, RESULT_COLUMNS, renderCsv } from './output-columns';
import { reconcileMoney, reconcileShares } from './reconcile';
import { buildRefundsSummaryRows, totalRefunds } from './refund-totals';
import { buildRefundRows, refundLedgerContext } from './refunds';
import { neutraliseCell } from './spreadsheet-safe';
import { buildBasisRows, buildResultRows } from './results';
import { settleInstructions } from './settlement';
import { buildSummary, countSettlements, renderSummary, Summary } from './summary';

/** The output files in the order they are listed in the manifest (which comes last). */
export const OUTPUT_FILE_NAMES = [
  'results.csv', 'basis-of-allocation.csv', 'refunds.csv', 'refunds-summary.csv', 'ccass-deposits.csv', 'certificates.csv', 'summary.json', MANIFEST_NAME,
] as const;

export interface OutputFilesInput {
  /** Every stored instruction of every accepted file, in any order. */
  instructions: readonly StoredInstruction[];
  /** Keys (`participant_id/instruction_ref`) rejected as multiple applications. */
  multiples: ReadonlySet<string>;
  allocation: Allocation;
  registry: ParticipantRegistry;
  offering: Offering;
  /** Normalised decimal text, e.g. `3.85`; null when the offering lapsed. */
  finalPrice: string | null;
  reallocateShares: number | null;
  /** The offering lapsed (`ccass-batch lapse`): nothing allotted, everything refunded. */
  lapse?: { reason: string };
}

export interface OutputFiles {
  /** Every file, manifest.json last, as `{ name, content }`. */
  files: { name: string; content: string }[];
  summary: Summary;
}

const sumShares = (values: readonly string[]): number => values.reduce((n, v) => n + Number(v), 0);

export function buildOutputFiles(input: OutputFilesInput): OutputFiles {
  const { offering, allocation } = input;
  const settlements = settleInstructions({
    instructions: input.instructions, multiples: input.multiples, allocation, finalPrice: input.finalPrice, fees: offering.fees,
  });
  const results = buildResultRows(settlements);
  const basis = buildBasisRows(allocation.basis, allocation.policy);
  const ledger = refundLedgerContext(offering);
  const refunds = buildRefundRows(settlements, input.registry, ledger);
  const deposits = buildDepositRows(settlements);
  const certificates = buildCertificateRows(settlements, offering.certificates.collect_in_person_min_shares);

  const money = reconcileMoney(settlements, refunds);
  reconcileShares(settlements, { A: allocation.pools.A.allotted_shares, B: allocation.pools.B.allotted_shares });
  const summary = buildSummary({
    offering, finalPrice: input.finalPrice, reallocateShares: input.reallocateShares, allocation, counts: countSettlements(settlements), money, ...(input.lapse ? { lapse: input.lapse } : {}),
  });
  const refundTotals = totalRefunds(refunds, ledger);
  const refundsSummary = buildRefundsSummaryRows(refundTotals, money, neutraliseCell(`${offering.stock_code} ${offering.issuer}`));

  const sharesAllotted = sumShares(results.map((r) => r.shares_allotted));
  const files: OutputFile[] = [
    { name: 'results.csv', content: renderCsv(RESULT_COLUMNS, results), rows: results.length, control_totals: { shares_allotted: sharesAllotted } },
    {
      name: 'basis-of-allocation.csv', content: renderCsv(BASIS_COLUMNS, basis), rows: basis.length,
      control_totals: {
        valid_applications: sumShares(basis.map((b) => b.valid_applications)),
        shares_applied: allocation.basis.reduce((n, b) => n + b.shares_applied * b.valid_applications, 0),
      },
    },
    { name: 'refunds.csv', content: renderCsv(REFUND_COLUMNS, refunds), rows: refunds.length, control_totals: { amount: refundTotals.amount } },
    { name: 'refunds-summary.csv', content: renderCsv(REFUNDS_SUMMARY_COLUMNS, refundsSummary), rows: refundsSummary.length, control_totals: { amount: refundTotals.amount } },
    { name: 'ccass-deposits.csv', content: renderCsv(DEPOSIT_COLUMNS, deposits), rows: deposits.length, control_totals: { shares: sumShares(deposits.map((d) => d.shares)) } },
    { name: 'certificates.csv', content: renderCsv(CERTIFICATE_COLUMNS, certificates), rows: certificates.length, control_totals: { shares: sumShares(certificates.map((c) => c.shares)) } },
    {
      name: 'summary.json', content: renderSummary(summary), rows: 1,
      control_totals: { shares_allotted: sharesAllotted, amount_paid: money.total.amount_paid, amount_kept: money.total.amount_kept, amount_refunded: money.total.amount_refunded },
    },
  ];
  const manifest = renderManifest(offering.stock_code, files, money, refundTotals);
  return { files: [...files.map(({ name, content }) => ({ name, content })), { name: MANIFEST_NAME, content: manifest }], summary };
}
