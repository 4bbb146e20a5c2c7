/**
 * The files that describe a generated book (docs/generate.md): the participant registry
 * `participants.csv`, the manifest `manifest.json` (counts, totals, what to expect from ingest and
 * allocation) and `planted.csv` (every instruction the pipeline must reject, and why). Pure text;
 * no clock, so the same arguments give the same bytes.
 */
import { CHANNELS } from '../domain/types';
import type { Offering } from '../offering/schema';
import { fileOf, refOf, BookPlan } from './book-plan';
import type { BookTally } from './book-tally';
import { csvField } from './names';
import { buildQuantityMix, centsText } from './quantity-mix';

export const REGISTRY_HEADER = 'participant_id,participant_type,name,designated_bank_account,status';
export const PLANTED_HEADER = 'participant_id,file_name,line,instruction_ref,reason_code';

/** participants.csv (spec: instruction-file.md, "Participant registry"). */
export function registryCsv(plan: BookPlan): string {
  const rows = plan.participants.map((p) => [p.participant_id, p.participant_type, csvField(p.name), p.designated_bank_account, p.status].join(','));
  return [REGISTRY_HEADER, ...rows].join('\n') + '\n';
}

/** planted.csv rows in book order (participant, file, line), in chunks of about 64 KB. */
export function* plantedCsvChunks(plan: BookPlan, tally: BookTally): Generator<string> {
  let chunk = `${PLANTED_HEADER}\n`;
  const planted = tally.planted;
  for (const n of planted.order()) {
    const index = planted.index[n]!;
    const code = planted.code[n]!;
    const file = fileOf(plan, index);
    const position = index - file.firstIndex;
    const local = file.firstLocal + position;
    const ref = code === 'REF_REUSED' ? refOf(local - 1) : refOf(local);
    chunk += `${file.participant.participant_id},${file.name},${position + 2},${ref},${code}\n`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

export interface BookManifest {
  generator: string;
  seed: string;
  options: { instructions: number; participants_count: number; records_per_file: number; error_rate: number; multiple_rate: number };
  offering: { stock_code: string; issuer: string; file_sha256: string };
  participants: Record<string, number>;
  files: number;
  instructions: {
    total: number;
    by_channel: Record<string, number>;
    with_joint_applicants: number;
    by_shares_applied: Record<string, number>;
    smallest_quantity: number;
    second_quantity: number;
    pool_b: number;
    at_cap: number;
  };
  totals: { shares: string; amount_paid: string };
  planted: { ingest_rejections: Record<string, number>; multiple_applications: number };
  expected: { accepted_at_ingest: number; rejected_at_ingest: number; rejected_multiple_application: number; valid_at_allocation: number };
}

export function bookManifest(plan: BookPlan, offering: Offering, tally: BookTally, offeringSha256: string): BookManifest {
  const o = plan.options;
  const mix = buildQuantityMix(offering);
  const counts = tally.planted.countByCode();
  const multiples = counts.MULTIPLE_APPLICATION ?? 0;
  delete counts.MULTIPLE_APPLICATION;
  const rejectedAtIngest = Object.values(counts).reduce((a, b) => a + b, 0);
  const byShares: Record<string, number> = {};
  let poolB = 0;
  mix.shares.forEach((q, k) => {
    const n = tally.byQuantity[k] ?? 0;
    byShares[String(q)] = n;
    if (mix.poolB[k]) poolB += n;
  });
  const participants: Record<string, number> = {};
  for (const c of CHANNELS) participants[c] = plan.participants.filter((p) => p.participant_type === c).length;
  participants.total = plan.participants.length;
  return {
    generator: 'ccass-batch generate (synthetic book, instruction file format 1)',
    seed: o.seed,
    options: { instructions: o.instructions, participants_count: o.participantsCount, records_per_file: o.recordsPerFile, error_rate: o.errorRate, multiple_rate: o.multipleRate },
    offering: { stock_code: offering.stock_code, issuer: offering.issuer, file_sha256: offeringSha256 },
    participants,
    files: tally.files,
    instructions: {
      total: tally.instructions,
      by_channel: { ...tally.byChannel },
      with_joint_applicants: tally.joint,
      by_shares_applied: byShares,
      smallest_quantity: tally.byQuantity[0] ?? 0,
      second_quantity: tally.byQuantity[1] ?? 0,
      pool_b: poolB,
      at_cap: tally.byQuantity[mix.shares.length - 1] ?? 0,
    },
    totals: { shares: tally.shares.toString(), amount_paid: centsText(tally.cents) },
    planted: { ingest_rejections: counts, multiple_applications: multiples },
    expected: {
      accepted_at_ingest: tally.instructions - rejectedAtIngest,
      rejected_at_ingest: rejectedAtIngest,
      rejected_multiple_application: multiples,
      valid_at_allocation: tally.instructions - rejectedAtIngest - multiples,
    },
  };
}
