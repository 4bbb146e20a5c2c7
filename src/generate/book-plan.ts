/**
 * The shape of a synthetic book, before any record: the participant registry, how many
 * instructions each participant gives, and how they are cut into files. A pure function of the
 * options (docs/generate.md).
 *
 * - Participants: one WHITE_FORM provider (W00001); CUSTODIAN 5% and INVESTOR 15% of the count
 *   (at least one each); CLEARING the rest. Ids `B00001`, `C00001`, `I00001`, `W00001`; all ACTIVE;
 *   designated bank accounts `NNN-NNN-N{6..12}`.
 * - Instructions by channel: CLEARING 80%, CUSTODIAN 5%, INVESTOR 2%, WHITE_FORM 13% (largest
 *   remainder, so the counts add up to N exactly); within a channel by participant rank r
 *   (1, 2, ...) weighted r^-0.75, so a few brokers carry most of the book, as in a real one.
 * - Files: each participant's instructions in order, cut into files of recordsPerFile on average
 *   (each between half and one and a half times it, the last one what is left), file_seq 1, 2, ...
 *   named `<participant_id>-<file_seq, 5 digits>.csv`.
 * Global instruction index i runs over participants in registry order, then their files, then
 * lines: every record is a function of the seed and i.
 */
import { CHANNELS, Channel, Participant } from '../domain/types';
import { participantName } from './names';
import { SeededRandom, STREAM } from './seeded-random';

export interface GenerateOptions {
  /** Number of D records in the whole book. */
  instructions: number;
  /** Any text; the same seed and options give the same bytes. */
  seed: string;
  /** Participants in the registry, all four channels. @defaultValue 200 */
  participantsCount: number;
  /** Average D records a file. @defaultValue 650 */
  recordsPerFile: number;
  /** Share of instructions with one planted record-level fault. @defaultValue 0 */
  errorRate: number;
  /** Share of instructions that reuse another instruction's applicant. @defaultValue 0 */
  multipleRate: number;
}

export const GENERATE_DEFAULTS = { participantsCount: 200, recordsPerFile: 650, errorRate: 0, multipleRate: 0 } as const;
export const MIN_PARTICIPANTS = 4;
export const MAX_PARTICIPANTS = 10_000;

export const CHANNEL_SHARES: Readonly<Record<Channel, number>> = { CLEARING: 0.8, CUSTODIAN: 0.05, INVESTOR: 0.02, WHITE_FORM: 0.13 };
const ID_PREFIX: Readonly<Record<Channel, string>> = { CLEARING: 'B', CUSTODIAN: 'C', INVESTOR: 'I', WHITE_FORM: 'W' };
/** Bank codes of Hong Kong licensed banks used in accounts. */
export const BANK_CODES = ['003', '004', '009', '012', '015', '016', '020', '024', '025', '027', '028', '035', '039', '040', '041', '043', '072', '128', '250', '382'] as const;

export interface PlannedParticipant extends Participant {
  /** Position in the registry (0-based). */
  number: number;
  /** Global index of its first instruction, and how many it gives. */
  firstIndex: number;
  count: number;
}

export interface PlannedFile {
  participant: PlannedParticipant;
  file_seq: number;
  name: string;
  /** Global index of the first D record; the participant's own index of it. */
  firstIndex: number;
  firstLocal: number;
  count: number;
}

export interface BookPlan {
  options: GenerateOptions;
  participants: PlannedParticipant[];
  files: PlannedFile[];
}

/** Splits `total` in proportion to `weights` (largest remainder, ties to the earlier). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, k) => ({ k, frac: e - Math.floor(e) })).sort((x, y) => y.frac - x.frac || x.k - y.k);
  for (let n = 0; left > 0; n = (n + 1) % order.length, left--) counts[order[n]!.k]! += 1;
  return counts;
}

/** Participants per channel for a registry of `count`. */
export function participantsByChannel(count: number): Record<Channel, number> {
  const custodian = Math.max(1, Math.round(count * 0.05));
  const investor = Math.max(1, Math.round(count * 0.15));
  return { CLEARING: count - 1 - custodian - investor, CUSTODIAN: custodian, INVESTOR: investor, WHITE_FORM: 1 };
}

/** A bank account `NNN-NNN-N{6..12}`: bank code, branch, 6 to 12 digits (spec: D field 11). */
export function bankAccount(rng: SeededRandom): string {
  const length = 6 + rng.below(7);
  const head = String(rng.below(1_000_000)).padStart(6, '0');
  const tail = length > 6 ? String(rng.below(10 ** (length - 6))).padStart(length - 6, '0') : '';
  return `${BANK_CODES[rng.below(BANK_CODES.length)]}-${String(rng.below(1000)).padStart(3, '0')}-${head}${tail}`;
}

export function planBook(options: GenerateOptions, key: Uint32Array): BookPlan {
  const rng = new SeededRandom(key);
  const perChannel = participantsByChannel(options.participantsCount);
  const channelCounts = apportion(options.instructions, CHANNELS.map((c) => CHANNEL_SHARES[c]));
  const participants: PlannedParticipant[] = [];
  let firstIndex = 0;
  CHANNELS.forEach((channel, c) => {
    const n = perChannel[channel];
    // rank weight r^-0.75 = 1 / (sqrt(r) * sqrt(sqrt(r))): exact IEEE operations only.
    const weights = Array.from({ length: n }, (_, r) => {
      const root = Math.sqrt(r + 1);
      return 1 / (root * Math.sqrt(root));
    });
    const counts = apportion(channelCounts[c]!, weights);
    counts.forEach((count, r) => {
      const number = participants.length;
      rng.reset(STREAM.participant, number);
      participants.push({
        participant_id: `${ID_PREFIX[channel]}${String(r + 1).padStart(5, '0')}`,
        participant_type: channel,
        name: participantName(rng, channel),
        designated_bank_account: bankAccount(rng),
        status: 'ACTIVE',
        number,
        firstIndex,
        count,
      });
      firstIndex += count;
    });
  });

  const files: PlannedFile[] = [];
  const m = options.recordsPerFile;
  for (const p of participants) {
    rng.reset(STREAM.files, p.number);
    let local = 0;
    for (let seq = 1; local < p.count; seq++) {
      const size = Math.min(p.count - local, Math.max(1, Math.floor(m / 2) + rng.below(m + 1)));
      files.push({ participant: p, file_seq: seq, name: `${p.participant_id}-${String(seq).padStart(5, '0')}.csv`, firstIndex: p.firstIndex + local, firstLocal: local, count: size });
      local += size;
    }
  }
  return { options, participants, files };
}

/** The instruction_ref of a participant's instruction `local` (0-based): `R00000001`, ... */
export function refOf(local: number): string {
  return `R${String(local + 1).padStart(8, '0')}`;
}

/** The file holding global instruction `index` (binary search). */
export function fileOf(plan: BookPlan, index: number): PlannedFile {
  const files = plan.files;
  let lo = 0;
  let hi = files.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (files[mid]!.firstIndex <= index) lo = mid;
    else hi = mid - 1;
  }
  return files[lo]!;
}
