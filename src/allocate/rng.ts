/**
 * The draw's generator: HMAC-SHA256 in counter mode, one independent stream per pool and applied
 * quantity. Keyed by the `--seed` text, bound to the book's SHA-256, so anyone holding the seed
 * and the book can re-run the draw with any HMAC implementation (docs/ballot.md, "Re-running the
 * draw"). Never Math.random: the stage must be a pure function of its inputs.
 */
import { createHmac } from 'node:crypto';
import type { PoolName } from '../domain/types';

const TWO_POW_32 = 0x1_0000_0000;

/**
 * Stream for one quantity group: block i = HMAC-SHA256(key = UTF-8(seed),
 * message = ASCII(`${book_sha256}|${pool}|${shares_applied}|${i}`)), i = 0, 1, 2, ...
 * Each 32-byte block is read as eight unsigned 32-bit big-endian words, in order.
 */
export class DrawStream {
  private block: Buffer = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;
  private readonly key: Buffer;

  constructor(seed: string, private readonly label: string) {
    this.key = Buffer.from(seed, 'utf8');
  }

  nextUint32(): number {
    if (this.offset >= this.block.length) {
      this.block = createHmac('sha256', this.key).update(`${this.label}|${this.counter}`, 'ascii').digest();
      this.counter += 1;
      this.offset = 0;
    }
    const word = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return word;
  }

  /**
   * A uniform integer in [0, bound), unbiased: words at or above the largest multiple of bound
   * below 2^32 are discarded and the next word is read (rejection sampling).
   */
  uniformBelow(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_POW_32) throw new RangeError(`bound ${bound} out of range`);
    const limit = Math.floor(TWO_POW_32 / bound) * bound;
    for (;;) {
      const word = this.nextUint32();
      if (word < limit) return word % bound;
    }
  }
}

export function drawStream(seed: string, bookSha256: string, pool: PoolName, sharesApplied: number): DrawStream {
  return new DrawStream(seed, `${bookSha256}|${pool}|${sharesApplied}`);
}

/**
 * Chooses `winners` of the items (already sorted by key) by a partial Fisher-Yates shuffle:
 * for i = 0 .. winners-1, j = i + uniformBelow(n - i), swap positions i and j; the first
 * `winners` positions win. Returns the indices (into the sorted items) of the winners.
 */
export function chooseWinners(count: number, winners: number, stream: DrawStream): number[] {
  if (winners < 0 || winners > count) throw new RangeError(`cannot choose ${winners} of ${count}`);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < winners; i++) {
    const j = i + stream.uniformBelow(count - i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order.slice(0, winners);
}
