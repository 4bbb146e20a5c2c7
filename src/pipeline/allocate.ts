/**
 * The allocation step: the durable book (every stored instruction) + participant registry +
 * offering + final price + seed -> the contents of every output file, then written into
 * `<work>/allocation/`. Also `verify`, which re-derives the files and compares bytes.
 *
 * deriveAllocationOutputs is pure; allocateBook and verifyAllocation are the thin I/O shells.
 */
import { allocate, ballotPolicyFrom, findMultipleApplications } from '../allocate';
import { checkFinalPrice } from '../allocate/sizing';
import type { BallotPolicy } from '../domain/allocation';
import type { Application, ParticipantRegistry, StoredInstruction } from '../domain/types';
import { UsageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { buildOutputFiles, OUTPUT_FILE_NAMES, OutputFiles } from '../refund/output-files';
import { applicationKey, sortInstructions } from '../refund/settlement';
import type { Summary } from '../refund/summary';
import { listStoredFiles, readStoredInstructions } from '../io/store';
import { allocationDir, readOutputFolder, writeBookClosed, writeOutputFolder } from '../io/outputs';
import { ingestInbox, IngestReport } from './ingest';

export interface AllocationParameters {
  offering: Offering;
  registry: ParticipantRegistry;
  /** Normalised by normaliseFinalPrice. */
  finalPrice: string;
  seed: string;
  /** `--reallocate` shares, null when not given. */
  reallocateShares: number | null;
  /**
   * `--ballot-policy` (validated); null or left out: every pool keeps the offering's exponent.
   * Recorded in summary.json (`ballot_policy`), from where `verify` reads it back.
   */
  ballotPolicy?: BallotPolicy | null;
}

/**
 * The final price as canonical text (`3.9` and `3.900` both become `3.90`), so the same price
 * always gives the same bytes. It must be a decimal with at most 3 places within the offering's
 * [price.minimum, price.maximum]; otherwise UsageError (exit code 2), before anything is written.
 */
export function normaliseFinalPrice(text: string, offering: Offering): string {
  if (!/^(0|[1-9][0-9]*)(\.[0-9]{1,3})?$/.test(text)) throw new UsageError(`--final-price "${text}" is not a price such as 3.99 (at most 3 decimals)`);
  const price = checkFinalPrice(text, offering, '--final-price');
  return price.decimalPlaces() <= 2 ? price.toFixed(2) : price.toString();
}

export function parseReallocateShares(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (!/^(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--reallocate "${text}" is not a whole number of shares`);
  return Number(text);
}

export function parseSeed(text: string): string {
  if (text.trim() === '') throw new UsageError('--seed must not be empty');
  return text;
}

/** Accepted instructions minus the multiple applications become the applications of the draw. */
export function selectApplications(instructions: readonly StoredInstruction[]): { multiples: Set<string>; applications: Application[] } {
  const accepted = sortInstructions(instructions).filter((i) => i.status === 'ACCEPTED');
  const multiples = findMultipleApplications(accepted.map((i) => ({ key: applicationKey(i), applicant_ids: i.applicant_ids })));
  const applications = accepted
    .filter((i) => !multiples.has(applicationKey(i)))
    .map((i): Application => ({
      key: applicationKey(i), participant_id: i.participant_id, instruction_ref: i.instruction_ref, channel: i.channel, shares: i.shares ?? 0,
    }));
  return { multiples, applications };
}

/** Pure: the book and the parameters -> every output file's content. */
export function deriveAllocationOutputs(instructions: readonly StoredInstruction[], p: AllocationParameters): OutputFiles {
  const { multiples, applications } = selectApplications(instructions);
  const allocation = allocate({
    applications, offering: p.offering, finalPrice: p.finalPrice, seed: p.seed,
    ...(p.reallocateShares !== null ? { reallocateShares: p.reallocateShares } : {}),
    ...(p.ballotPolicy ? { ballotPolicy: p.ballotPolicy } : {}),
  });
  return buildOutputFiles({
    instructions, multiples, allocation, registry: p.registry, offering: p.offering, finalPrice: p.finalPrice, reallocateShares: p.reallocateShares,
  });
}

export interface AllocateReport {
  dir: string;
  summary: Summary;
  files: { name: string; content: string }[];
}

const storeFingerprint = async (work: string) => (await listStoredFiles(work)).map((m) => `${m.participant_id}/${m.file_sha256}`).join('\n');

/**
 * Closes the book and writes the allocation. Everything is derived once before the book is
 * closed, so arguments the allocation refuses (a reallocation it does not allow, a participant
 * missing from the registry) stop the command with nothing written. If a file was committed to
 * the store while the book was being closed, the outputs are derived again from the final book.
 */
export async function allocateBook(work: string, p: AllocationParameters): Promise<AllocateReport> {
  const before = await storeFingerprint(work);
  let outputs = deriveAllocationOutputs(await readStoredInstructions(work), p);
  await writeBookClosed(work, p.offering.stock_code);
  if ((await storeFingerprint(work)) !== before) outputs = deriveAllocationOutputs(await readStoredInstructions(work), p);
  const dir = allocationDir(work);
  await writeOutputFolder(dir, outputs.files);
  return { dir, summary: outputs.summary, files: outputs.files };
}

export type FileVerdict = 'MATCH' | 'DIFFERS' | 'MISSING';

export interface VerifyReport {
  ok: boolean;
  files: { name: string; verdict: FileVerdict }[];
  parameters: { finalPrice: string; seed: string; reallocateShares: number | null; ballotPolicy: BallotPolicy | null };
}

/**
 * The ballot policy a run recorded (summary.json `ballot_policy.<pool>.given`), as the policy file
 * it came from: null when none was given for either pool, or the summary predates the field.
 */
function policyFromSummary(recorded: unknown): BallotPolicy | null {
  if (recorded === undefined || recorded === null) return null;
  if (typeof recorded !== 'object') throw new UsageError('allocation/summary.json: ballot_policy is not an object');
  const given: Record<string, unknown> = {};
  for (const pool of ['A', 'B'] as const) {
    const entry = (recorded as Record<string, { given?: unknown } | undefined>)[pool];
    if (entry?.given !== undefined && entry.given !== null) given[pool] = entry.given;
  }
  if (Object.keys(given).length === 0) return null;
  try {
    return ballotPolicyFrom(given, 'allocation/summary.json ballot_policy');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The parameters a run recorded in its summary.json (final price, seed, reallocation, ballot policy). */
export function parametersFromSummary(bytes: Buffer | null | undefined): VerifyReport['parameters'] {
  if (!bytes) throw new UsageError('allocation/summary.json is missing: nothing to verify');
  let s: { final_price?: unknown; draw?: { seed?: unknown }; reallocation_requested_shares?: unknown; ballot_policy?: unknown };
  try {
    s = JSON.parse(bytes.toString('utf8')) as typeof s;
  } catch {
    throw new UsageError('allocation/summary.json is not valid JSON: cannot read the run parameters');
  }
  const r = s.reallocation_requested_shares;
  if (typeof s.final_price !== 'string' || typeof s.draw?.seed !== 'string' || (r !== null && typeof r !== 'number')) {
    throw new UsageError('allocation/summary.json does not record final_price, draw.seed and reallocation_requested_shares');
  }
  return { finalPrice: s.final_price, seed: s.draw.seed, reallocateShares: r, ballotPolicy: policyFromSummary(s.ballot_policy) };
}

/** Re-derives every output file from the kept inputs and compares each byte for byte. */
export async function verifyAllocation(work: string, offering: Offering, registry: ParticipantRegistry): Promise<VerifyReport> {
  const found = await readOutputFolder(allocationDir(work), OUTPUT_FILE_NAMES);
  const recorded = parametersFromSummary(found.get('summary.json'));
  const parameters = { ...recorded, finalPrice: normaliseFinalPrice(recorded.finalPrice, offering) };
  const derived = deriveAllocationOutputs(await readStoredInstructions(work), { offering, registry, ...parameters });
  const files = derived.files.map(({ name, content }) => {
    const bytes = found.get(name);
    const verdict: FileVerdict = !bytes ? 'MISSING' : bytes.equals(Buffer.from(content, 'utf8')) ? 'MATCH' : 'DIFFERS';
    return { name, verdict };
  });
  return { ok: files.every((f) => f.verdict === 'MATCH'), files, parameters };
}

/**
 * `run`: ingest the inbox with the application lists closed (a file without a trailer is now
 * incomplete for good), then allocate, in one process. Arguments were checked by the caller
 * before this starts, so a bad final price writes nothing at all.
 */
export async function runBook(inboxDir: string, work: string, p: AllocationParameters): Promise<{ ingest: IngestReport; allocation: AllocateReport }> {
  const ingest = await ingestInbox({ offering: p.offering, participants: p.registry, inboxDir, workDir: work, closeLists: true });
  const allocation = await allocateBook(work, p);
  return { ingest, allocation };
}
