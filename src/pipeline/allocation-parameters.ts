/**
 * The parameters of an allocation (final price, seed, reallocation, ballot policy): read from the
 * command line, checked before anything is written, and recorded in the book's lifecycle so that
 * `verify` re-derives exactly what was allocated.
 */
import type { AllocationRecord } from '../book/lifecycle';
import { checkFinalPrice } from '../allocate/sizing';
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
  return { final_price: p.finalPrice, seed: p.seed, reallocate_shares: p.reallocateShares, ballot_policy: null };
}

/** The parameters back from a record (verify), with the offering and registry given now. */
export function parametersFromRecord(r: AllocationRecord, offering: Offering, registry: ParticipantRegistry): AllocationParameters {
  return { offering, registry, finalPrice: normaliseFinalPrice(r.final_price, offering), seed: r.seed, reallocateShares: r.reallocate_shares };
}

/**
 * The parameters a run recorded in its summary.json (final price, seed, reallocation): for a work
 * folder written before lifecycle records existed.
 */
export function recordFromSummary(bytes: Buffer | null | undefined): AllocationRecord {
  if (!bytes) throw new UsageError('allocation/summary.json is missing: nothing to verify');
  let s: { final_price?: unknown; draw?: { seed?: unknown }; reallocation_requested_shares?: unknown };
  try {
    s = JSON.parse(bytes.toString('utf8')) as typeof s;
  } catch {
    throw new UsageError('allocation/summary.json is not valid JSON: cannot read the run parameters');
  }
  const r = s.reallocation_requested_shares;
  if (typeof s.final_price !== 'string' || typeof s.draw?.seed !== 'string' || (r !== null && typeof r !== 'number')) {
    throw new UsageError('allocation/summary.json does not record final_price, draw.seed and reallocation_requested_shares');
  }
  return { final_price: s.final_price, seed: s.draw.seed, reallocate_shares: r, ballot_policy: null };
}
