/**
 * The parameters of an allocation (final price, seed, reallocation, ballot policy): read from the
 * command line, checked before anything is written, and recorded in the book's lifecycle so that
 * `verify` re-derives exactly what was allocated.
 */
import type { AllocationRecord } from '../book/lifecycle';
import { checkFinalPrice } from '../allocate/sizing';
import { ballotPolicyFrom } from '../allocate/ballot-policy';
import type { BallotPolicy } from '../domain/allocation';
import type { ParticipantRegistry } from '../domain/types';
import { UsageError } from '../domain/errors';
import type { Offering } from '../offering/schema';

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
   * Recorded in the book's lifecycle (and summary.json `ballot_policy`), from where `verify` reads it.
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

/** What the lifecycle records of an allocation. */
export function allocationRecord(p: AllocationParameters): AllocationRecord {
  return { final_price: p.finalPrice, seed: p.seed, reallocate_shares: p.reallocateShares, ballot_policy: p.ballotPolicy ?? null };
}

/** The parameters back from a record (verify), with the offering and registry given now. */
export function parametersFromRecord(r: AllocationRecord, offering: Offering, registry: ParticipantRegistry): AllocationParameters {
  const ballotPolicy = r.ballot_policy === null || r.ballot_policy === undefined ? null : ballotPolicyFrom(r.ballot_policy, 'the recorded ballot policy');
  return { offering, registry, finalPrice: normaliseFinalPrice(r.final_price, offering), seed: r.seed, reallocateShares: r.reallocate_shares, ballotPolicy };
}

/**
 * The ballot policy a run recorded in summary.json (`ballot_policy.<pool>.given`), as the policy
 * file it came from: null when none was given for either pool, or the summary predates the field.
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

/**
 * The parameters a run recorded in its summary.json (final price, seed, reallocation): for a work
 * folder written before lifecycle records existed.
 */
export function recordFromSummary(bytes: Buffer | null | undefined): AllocationRecord {
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
  return { final_price: s.final_price, seed: s.draw.seed, reallocate_shares: r, ballot_policy: policyFromSummary(s.ballot_policy) };
}
