/**
 * A lapsed offering (the conditions of the Global Offering were not fulfilled: "the application
 * monies ... will be refunded, without interest"): nothing is allotted to anyone. The result has
 * the shape of an allocation so the usual output files, reconciliation and summary follow from
 * it: every valid application allotted 0 shares in its pool, no tranche, no basis, no draw.
 */
import type { Allocation, Allotment, PoolResult } from '../domain/allocation';
import type { Application, PoolName } from '../domain/types';
import type { Offering } from '../offering/schema';
import { bookSha256, sortByKey } from './book-hash';
import { poolOf } from './pools';
import { formatSubscriptionMultiple } from './sizing';

export function allocateNothing(input: { applications: readonly Application[]; offering: Offering }): Allocation {
  const { offering } = input;
  const applications = sortByKey(input.applications);
  const allotments = new Map<string, Allotment>();
  const demand = { A: 0, B: 0 };
  const count = { A: 0, B: 0 };
  for (const a of applications) {
    const pool = poolOf(a.shares, offering);
    allotments.set(a.key, { pool, shares_allotted: 0 });
    demand[pool] += a.shares;
    count[pool] += 1;
  }
  const pool = (p: PoolName): PoolResult => ({
    pool: p, size_shares: 0, demand_shares: demand[p], valid_applications: count[p], allotted_shares: 0, successful_applications: 0, oversubscribed: false,
  });
  const initial = offering.tranches.hong_kong_initial;
  return {
    sizing: {
      initial_hong_kong_shares: initial,
      subscription_multiple: formatSubscriptionMultiple(demand.A + demand.B, initial),
      demand_shares: demand.A + demand.B,
      clawback: null,
      reallocated_shares: 0,
      final_hong_kong_shares: 0,
      shortfall_to_international_shares: 0,
    },
    pools: { A: pool('A'), B: pool('B') },
    allotments,
    basis: [],
    draw: { seed: '', book_sha256: bookSha256(applications) },
  };
}
