/** Test builders for the allocation stage (not a test file itself). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Application, Channel } from '../../../src/domain/types';
import { parseOffering } from '../../../src/offering/load-offering';
import type { Offering } from '../../../src/offering/schema';

export const SAMPLE_OFFERING_PATH = join(__dirname, '../../../samples/offerings/0020-sensetime-2021.json');

/** The 0020 SenseTime offering from samples/ (board lot 1,000; price 3.85-3.99; tiers 15/50/100x). */
export function sampleOffering(overrides: (o: Offering) => Offering = (o) => o): Offering {
  return overrides(parseOffering(readFileSync(SAMPLE_OFFERING_PATH, 'utf8'), SAMPLE_OFFERING_PATH));
}

let counter = 0;
export function application(shares: number, key?: string, channel: Channel = 'CLEARING'): Application {
  const k = key ?? `P${String(++counter).padStart(7, '0')}`;
  const [participant_id, instruction_ref] = k.includes('/') ? (k.split('/') as [string, string]) : ['BRK001', k];
  return { key: `${participant_id}/${instruction_ref}`, participant_id, instruction_ref, channel, shares };
}

/** `count` applications of `shares` each, keys prefixed so books do not collide. */
export function applications(shares: number, count: number, prefix = `Q${shares}`): Application[] {
  return Array.from({ length: count }, (_, i) => application(shares, `${prefix}/R${String(i).padStart(7, '0')}`));
}

/** An offering with a small Hong Kong tranche, so small books are oversubscribed. */
export function smallOffering(hongKongInitial = 100_000, exponent = { A: 0.54, B: 0.66 }): Offering {
  return sampleOffering((o) => ({
    ...o,
    // Offer ten times the initial Hong Kong shares, as in 0020, so the clawback tiers keep their meaning.
    tranches: { ...o.tranches, offer_shares: hongKongInitial * 10, hong_kong_initial: hongKongInitial, international_initial: hongKongInitial * 9 },
    pools: { ...o.pools, exponent },
  }));
}
