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
  /** Valid demand over the initial Hong Kong shares, as text with two decimals (rounded down). */
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
  draw: {
    /** The `--seed` text as given. */
    seed: string;
    /** SHA-256 (hex) of the sorted valid-application set the draw ran over. */
    book_sha256: string;
  };
}
