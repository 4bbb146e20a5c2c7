/**
 * The result of an allocation run: the contract between src/allocate (which computes it, pure)
 * and src/refund plus the output writers (which turn it into files).
 */
import type { PoolName } from './types';

export interface PoolResult {
  pool: PoolName;
  /** Shares available to the pool after the split and after moving unused shares between pools. */
  size_shares: number;
  /** Sum of shares applied for by the pool's valid applications. */
  demand_shares: number;
  valid_applications: number;
  /** Shares allotted in the pool (equals size_shares when the pool is oversubscribed). */
  allotted_shares: number;
  /** Successful applications (allotted at least one lot). */
  successful_applications: number;
  oversubscribed: boolean;
}

export interface TrancheSizing {
  initial_hong_kong_shares: number;
  /** Valid demand over the initial Hong Kong shares, as text with two decimals (rounded half-up, as announced). */
  subscription_multiple: string;
  demand_shares: number;
  /** The clawback tier applied, or null. */
  clawback: { min_multiple: number; hong_kong_pct: string } | null;
  /** Shares reallocated at the issuer's discretion (`--reallocate`), 0 if none. */
  reallocated_shares: number;
  /** The Hong Kong tranche after clawback or reallocation (before undersubscription). */
  final_hong_kong_shares: number;
  /** Shares not taken up in Hong Kong, available to the international offering (undersubscription). */
  shortfall_to_international_shares: number;
}

/** One row of the basis of allocation, per pool and applied quantity with a valid application. */
export interface BasisRow {
  pool: PoolName;
  shares_applied: number;
  valid_applications: number;
  /** In the words of an allotment results announcement, e.g. `1,000 shares plus 12 out of 40 applicants to receive an additional 1,000 shares`. */
  basis: string;
  /** Mean allotment over shares applied, as a percentage with two decimals. */
  approx_pct_allotted: string;
}

/**
 * A pool's ballot policy as the registrar chooses it at allocation time (`--ballot-policy`,
 * docs/ballot.md): the percentage of shares allotted to the pool's smallest applied quantity, from
 * which the curve's exponent is solved, or the exponent itself (0 < e <= 1; 1 is plain pro rata).
 */
export type PoolBallotPolicy = { first_row_pct: string } | { exponent: number };

/** The policy file: a pool left out keeps the offering's default exponent. */
export type BallotPolicy = Partial<Record<PoolName, PoolBallotPolicy>>;

/** The policy a pool's allotment used, as given and as solved (summary.json `ballot_policy`). */
export interface PoolPolicyOutcome {
  /** As given in the policy file; null: none given, the offering's `pools.exponent` applied. */
  given: PoolBallotPolicy | null;
  /** The exponent of the target curve; null when the pool was not oversubscribed (no ballot). */
  exponent: number | null;
  /** The plan of the pool's smallest applied quantity; null when the pool has no application. */
  first_row: {
    shares_applied: number;
    valid_applications: number;
    /** Shares every applicant of the quantity gets for sure. */
    base_shares: number;
    /** Applicants of the quantity who win one lot more. */
    winners: number;
    /** As in the basis: allotted / applied x 100, two decimals, half-up. */
    pct_allotted: string;
  } | null;
}

export interface Allotment {
  pool: PoolName;
  shares_allotted: number;
}

export interface Allocation {
  sizing: TrancheSizing;
  pools: { A: PoolResult; B: PoolResult };
  /** By application key (`participant_id/instruction_ref`); every valid application has one. */
  allotments: ReadonlyMap<string, Allotment>;
  basis: BasisRow[];
  /**
   * Per pool, the ballot policy used (as given and as solved). allocate() always sets it; optional
   * only so that allocations built by hand (tests of the output files) need not invent one.
   */
  policy?: { A: PoolPolicyOutcome; B: PoolPolicyOutcome };
  draw: {
    /** The `--seed` text as given. */
    seed: string;
    /** SHA-256 (hex) of the sorted valid-application set the draw ran over. */
    book_sha256: string;
  };
}
