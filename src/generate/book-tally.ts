/**
 * What a generated book holds, counted while its files are written: the figures of the
 * manifest and the list of what was planted on purpose (record index and the reason the
 * pipeline must give it).
 */
import type { Channel } from '../domain/types';

/** Planted rejections as two parallel arrays (cheaper than an object each at millions of rows). */
export class PlantedList {
  readonly index: number[] = [];
  readonly code: string[] = [];

  push(index: number, code: string): void {
    this.index.push(index);
    this.code.push(code);
  }

  get length(): number {
    return this.index.length;
  }

  /** Counts by reason code, codes in alphabetical order. */
  countByCode(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of [...this.code].sort()) counts[c] = (counts[c] ?? 0) + 1;
    return counts;
  }

  /** Positions into the arrays, by record index (a record is planted at most once). */
  order(): number[] {
    return this.index.map((_, n) => n).sort((x, y) => this.index[x]! - this.index[y]!);
  }
}

export interface BookTally {
  files: number;
  instructions: number;
  byChannel: Record<Channel, number>;
  /** Records by the index of the quantity drawn from the mix (before any planted quantity fault). */
  byQuantity: number[];
  /** Records with at least one joint applicant. */
  joint: number;
  /** Sums of field 8 and field 9 (cents) over every D record written. */
  shares: bigint;
  cents: bigint;
  planted: PlantedList;
  /** Clean instructions whose first applicant a multiple application reused. */
  multipleTargets: Set<number>;
}

export function newTally(): BookTally {
  return {
    files: 0,
    instructions: 0,
    byChannel: { CLEARING: 0, CUSTODIAN: 0, INVESTOR: 0, WHITE_FORM: 0 },
    byQuantity: [],
    joint: 0,
    shares: 0n,
    cents: 0n,
    planted: new PlantedList(),
    multipleTargets: new Set(),
  };
}
