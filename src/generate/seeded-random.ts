/**
 * The generator's randomness: a counter-based generator, so every record is a function of the
 * seed and its index alone (no state carried from one record to the next, any record can be
 * regenerated on its own, e.g. the first applicant of a multiple application's other
 * instruction).
 *
 * key = SHA-256(UTF-8 of `ccass-batch generate|<seed>`) read as eight big-endian 32-bit words.
 * reset(stream, index) mixes key, stream and index with MurmurHash3's 32-bit finaliser into the
 * four words of an sfc32 generator (Chris Doty-Humphrey's Small Fast Counting generator) and runs
 * it 8 rounds. Only 32-bit integer operations, exact on every machine: the same seed gives the
 * same bytes anywhere. Not for cryptography (the ballot uses HMAC-SHA256, allocate/rng.ts); this
 * is about 50 times faster, which a 5,000,000-record book needs.
 */
import { createHash } from 'node:crypto';

/** Independent streams per record: each decision family draws from its own. */
export const STREAM = {
  /** Whether a record carries a planted fault or is a multiple application (and nothing else). */
  fault: 1,
  /** The applicants: document types, numbers, names, joint applicants. */
  identity: 2,
  /** Quantity, times, accounts, the kind of a planted fault. */
  detail: 3,
  /** The other instruction of a multiple application. */
  target: 4,
  /** Registry rows (index = participant number). */
  participant: 5,
  /** File sizes (index = participant number). */
  files: 6,
} as const;

const TWO_POW_32 = 4294967296;

/** The 32-bit words of the seed's key. */
export function seedKey(seed: string): Uint32Array {
  const digest = createHash('sha256').update(`ccass-batch generate|${seed}`, 'utf8').digest();
  const key = new Uint32Array(8);
  for (let i = 0; i < 8; i++) key[i] = digest.readUInt32BE(i * 4);
  return key;
}

/** MurmurHash3 fmix32: a bijective mix of a 32-bit word. */
function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One reusable generator; `reset` positions it on (stream, index). */
export class SeededRandom {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(private readonly key: Uint32Array) {}

  /** Positions the generator on a record's stream; `index` below 2^32. */
  reset(stream: number, index: number): this {
    const k = this.key;
    const i = fmix32(index ^ k[4]!);
    this.a = fmix32(k[0]! ^ i);
    this.b = fmix32(k[1]! ^ Math.imul(stream, 0x9e3779b9) ^ k[5]!);
    this.c = fmix32(k[2]! ^ i ^ Math.imul(stream + 1, 0x7feb352d));
    this.d = (k[3]! ^ 1) >>> 0;
    for (let n = 0; n < 8; n++) this.next();
    return this;
  }

  /** The next uniform unsigned 32-bit word (sfc32). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n) for 1 <= n <= 2^32 (multiply-shift; the bias is below n / 2^32). */
  below(n: number): number {
    const v = Math.floor((this.next() / TWO_POW_32) * n);
    return v < n ? v : n - 1;
  }

  /** True with probability `threshold` / 2^32. */
  chance(threshold: number): boolean {
    return this.next() < threshold;
  }
}

/** A probability as a threshold on a 32-bit word (see SeededRandom.chance). */
export function threshold(probability: number): number {
  return Math.floor(probability * TWO_POW_32);
}
