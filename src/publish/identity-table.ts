/**
 * A compact hash table from an identity key (`TYPE:NUMBER`, ASCII) to a dense key number 0..n-1.
 *
 * Why not a Map<string, number>: at results time the site holds every applicant of a book of a
 * million applications. A V8 Map costs about 100 bytes per string key, and strings cut out of a
 * parsed file may keep whole file chunks alive (V8 "sliced strings"), so memory would follow the
 * file size rather than the number of applications. Here the keys' bytes live in one pooled byte
 * array and the table is open addressing over typed arrays: about 30 bytes per key, nothing
 * retained from the files, lookups O(1) (FNV-1a hash, linear probing, load factor at most 1/2).
 * Pure: no I/O.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashOf(key: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i) & 0xff;
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

function powerOfTwoAtLeast(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

export class IdentityTable {
  /** slot -> key number + 1 (0 = empty). */
  private slots: Int32Array;
  /** key number -> offset of its bytes in the pool; keyStart[n] is the end of the last key. */
  private keyStart: Int32Array;
  private keyHash: Uint32Array;
  private pool: Uint8Array;
  private poolUsed = 0;
  private count = 0;

  /** @param expectedKeys a hint (the table grows past it) */
  constructor(expectedKeys = 1024) {
    const keys = Math.max(16, expectedKeys);
    this.slots = new Int32Array(powerOfTwoAtLeast(keys * 2));
    this.keyStart = new Int32Array(keys + 1);
    this.keyHash = new Uint32Array(keys);
    this.pool = new Uint8Array(keys * 16);
  }

  /** Distinct keys held. */
  get size(): number {
    return this.count;
  }

  /** The key's number, or -1 when it is not held. The key must be ASCII. */
  find(key: string): number {
    const mask = this.slots.length - 1;
    const h = hashOf(key);
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const entry = this.slots[s]!;
      if (entry === 0) return -1;
      const k = entry - 1;
      if (this.keyHash[k] === h && this.keyEquals(k, key)) return k;
    }
  }

  /** The key's number, adding it when new. Throws on a key that is not ASCII. */
  add(key: string): number {
    const found = this.find(key);
    if (found >= 0) return found;
    if ((this.count + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    const k = this.count;
    this.ensureKeyCapacity(k + 1);
    this.ensurePoolCapacity(this.poolUsed + key.length);
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c > 0x7f) throw new RangeError('an identity key must be ASCII');
      this.pool[this.poolUsed + i] = c;
    }
    this.keyStart[k] = this.poolUsed;
    this.poolUsed += key.length;
    this.keyStart[k + 1] = this.poolUsed;
    const h = hashOf(key);
    this.keyHash[k] = h;
    this.place(k, h);
    this.count += 1;
    return k;
  }

  /** The key text of a key number (for lists such as the announcement's). */
  keyOf(k: number): string {
    if (k < 0 || k >= this.count) throw new RangeError(`no key ${k}`);
    return String.fromCharCode(...this.pool.subarray(this.keyStart[k]!, this.keyStart[k + 1]!));
  }

  /** Bytes held by the table's arrays (allocated capacity). */
  get bytes(): number {
    return this.slots.byteLength + this.keyStart.byteLength + this.keyHash.byteLength + this.pool.byteLength;
  }

  private keyEquals(k: number, key: string): boolean {
    const start = this.keyStart[k]!;
    if (this.keyStart[k + 1]! - start !== key.length) return false;
    for (let i = 0; i < key.length; i++) if (this.pool[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private place(k: number, h: number): void {
    const mask = this.slots.length - 1;
    let s = h & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = k + 1;
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity);
    for (let k = 0; k < this.count; k++) this.place(k, this.keyHash[k]!);
  }

  private ensureKeyCapacity(keys: number): void {
    if (keys <= this.keyHash.length) return;
    const n = Math.max(keys, this.keyHash.length * 2);
    const hashes = new Uint32Array(n);
    hashes.set(this.keyHash);
    this.keyHash = hashes;
    const starts = new Int32Array(n + 1);
    starts.set(this.keyStart);
    this.keyStart = starts;
  }

  private ensurePoolCapacity(bytes: number): void {
    if (bytes <= this.pool.length) return;
    const pool = new Uint8Array(Math.max(bytes, this.pool.length * 2));
    pool.set(this.pool.subarray(0, this.poolUsed));
    this.pool = pool;
  }
}
