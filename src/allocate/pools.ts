/**
 * Pools A and B. Issue 3, part 4. spec: outputs.md, `pool`: A is consideration at the maximum
 * offer price of HK$5,000,000 or less (before brokerage and levies), B above.
 */
import type { PoolName } from '../domain/types';
import { Decimal } from '../money/money';
import type { Offering } from '../offering/schema';

/** The pool of an application: shares x price.maximum (fees excluded) against the threshold, in Decimal. */
export function poolOf(shares: number, offering: Offering): PoolName {
  return new Decimal(shares).times(offering.price.maximum).lte(offering.pools.threshold_consideration) ? 'A' : 'B';
}

/**
 * Splits the tranche in half in whole board lots; pool A takes the odd lot
 * (6745 reference: 35,213,000 -> A 17,607,000, B 17,606,000).
 */
export function splitTranche(trancheShares: number, boardLot: number): { A: number; B: number } {
  const lots = Math.floor(trancheShares / boardLot);
  const aLots = Math.ceil(lots / 2);
  return { A: aLots * boardLot, B: (lots - aLots) * boardLot };
}

/**
 * Pool sizes after moving unused shares: where a pool's demand is below its half, the unused
 * shares go to the other pool, as far as that pool can use them; what neither pool can use is the
 * shortfall that returns to the international offering.
 */
export function sizePools(split: { A: number; B: number }, demand: { A: number; B: number }): { A: number; B: number } {
  const unusedA = Math.max(0, split.A - demand.A);
  const unusedB = Math.max(0, split.B - demand.B);
  const toB = Math.min(unusedA, Math.max(0, demand.B - split.B));
  const toA = Math.min(unusedB, Math.max(0, demand.A - split.A));
  return { A: split.A - toB + toA, B: split.B - toA + toB };
}
