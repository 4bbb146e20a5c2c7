/**
 * The book in compact form (issue 9): what the allocation needs of every stored instruction, in
 * typed arrays, so that five million instructions fit in a few hundred megabytes. Built from the
 * stored instructions one at a time, in store order (participant_id, file_seq, line), by
 * CompactBookBuilder; nothing else of an instruction is kept (the output files are written in a
 * second pass over the store, src/pipeline/allocation-files.ts).
 *
 * Per instruction (index = position in store order): its file, line, instruction_ref, shares
 * applied, amount paid in cents, whether it was accepted at ingest and its reason code. Per
 * identity document of an accepted instruction: a 52-bit hash, its owner and its normalised text
 * (dropped once the multiple applications are found).
 *
 * finishCompactBook then derives, pure:
 *   - the results order (spec: outputs.md: participant_id, instruction_ref, file_seq, line) as a
 *     permutation `order` (rank -> index);
 *   - the multiple applications (multiple-applications.ts rules, exactly: equal hashes are
 *     compared by their text);
 *   - the valid applications in key order (`participant_id/instruction_ref`, the order the draw
 *     and the book's hash use) as `keyOrder`.
 */
import type { Channel } from '../domain/types';
import { InvariantError, StorageError } from '../domain/errors';
import { normaliseIdentity } from './multiple-applications';
import { compareKeys } from './book-hash';
import { smallCentsOf } from '../money/cents';

/** What a stored file gives every instruction in it. */
export interface CompactFile {
  participant_id: string;
  channel: Channel;
  file_seq: number;
}

/** The fields of a stored instruction the allocation reads. */
export interface CompactInput {
  line: number;
  instruction_ref: string;
  applicant_ids: readonly string[];
  shares: number | null;
  /** `d+.dd` or null (as stored). */
  amount_paid: string | null;
  amount_paid_text: string;
  /** Kept for a manual refund's ledger row only. */
  applicant_name: string;
  refund_account: string;
  status: 'ACCEPTED' | 'REJECTED';
  reason_code: string | null;
}

/** Amount paid not readable as a non-negative amount: refunded by hand. */
export const PAID_MANUAL = -1;
/** Amount paid too large for a safe integer of cents: kept exactly in `bigPaid`. */
export const PAID_BIG = -2;

/** A manual refund as summary.json lists it (reason_code filled in when settled). */
export interface ManualRefundEntry {
  index: number;
  participant_id: string;
  instruction_ref: string;
  channel: Channel;
  file_seq: number;
  line: number;
  amount_paid_text: string;
  applicant_name: string;
  refund_account: string;
}

export interface CompactBook {
  count: number;
  files: CompactFile[];
  /** Index of the instruction's file in `files`. */
  file: Uint32Array;
  line: Float64Array;
  refs: string[];
  /** Shares applied; NaN when not a whole number. */
  shares: Float64Array;
  /** Amount paid in cents; PAID_MANUAL or PAID_BIG (see bigPaid). */
  paid: Float64Array;
  bigPaid: Map<number, bigint>;
  /** 1 when rejected at ingest. */
  rejected: Uint8Array;
  /** Index into `reasons` of the ingest reason code; 0 for none. */
  reason: Uint16Array;
  /** Reason codes; reasons[0] is ''. */
  reasons: string[];
  /** Instructions with an amount paid that is not money, in store order. */
  manual: ManualRefundEntry[];
  /** 1 when rejected as a multiple application (finishCompactBook). */
  multiple: Uint8Array;
  /** Results order: rank -> index. */
  order: Uint32Array;
  /** Valid applications (accepted, not multiple) in key order: indices. */
  keyOrder: Uint32Array;
}

/** A 52-bit hash of a text (two FNV-1a variants), for grouping only: equal hashes are compared by text. */
export function hash52(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}

const SAFE_CENT_DIGITS = 15;

/** Cents of a stored amount: PAID_MANUAL unless `d+.dd` (non-negative, as ingest stores it). */
function centsOf(amount: string | null): { cents: number; big: bigint | null } {
  if (amount === null || !CENTS.test(amount)) return { cents: PAID_MANUAL, big: null };
  // At most 15 digits in all (the point aside): exact as a number.
  if (amount.length - 1 <= SAFE_CENT_DIGITS) return { cents: smallCentsOf(amount), big: null };
  return { cents: PAID_BIG, big: BigInt(amount.slice(0, -3) + amount.slice(-2)) };
}

/** An amount as the ingest stores it: `d+.dd`, no leading zero. */
const CENTS = /^(0|[1-9][0-9]*)\.[0-9]{2}$/;

class GrowingIds {
  hash = new Float64Array(1024);
  owner = new Uint32Array(1024);
  text: string[] = [];
  length = 0;
  push(h: number, owner: number, text: string): void {
    if (this.length === this.hash.length) {
      const hash = new Float64Array(this.length * 2);
      hash.set(this.hash);
      this.hash = hash;
      const o = new Uint32Array(this.length * 2);
      o.set(this.owner);
      this.owner = o;
    }
    this.hash[this.length] = h;
    this.owner[this.length] = owner;
    this.text.push(text);
    this.length += 1;
  }
}

/**
 * What a builder read of a run of whole files, in plain data and typed arrays (it crosses threads:
 * pass 1 reads the second half of the store on a worker thread, allocation-files.ts), appended to
 * another builder by appendPart as if its instructions had been added there one by one.
 */
export interface CompactPart extends Pick<CompactBook, 'count' | 'files' | 'file' | 'line' | 'refs' | 'shares' | 'paid' | 'rejected' | 'reason' | 'reasons' | 'manual'> {
  /** [index in the part, cents]. (`file`, `reason` and `manual` index the part's own lists.) */
  bigPaid: [number, bigint][];
  idHash: Float64Array;
  /** Index in the part. */
  idOwner: Uint32Array;
  idText: string[];
}

export class CompactBookBuilder {
  private readonly book: Omit<CompactBook, 'multiple' | 'order' | 'keyOrder'>;
  private readonly ids = new GrowingIds();
  private readonly reasonIndex = new Map<string, number>([['', 0]]);
  private n = 0;
  private growable = false;

  /**
   * `capacity`: the number of instructions the store's metas announce (`announced`, named in the
   * error, when this builder reads a part of the store).
   */
  constructor(private capacity: number, private readonly announced: number = capacity) {
    this.book = {
      count: 0, files: [], file: new Uint32Array(capacity), line: new Float64Array(capacity), refs: new Array<string>(capacity),
      shares: new Float64Array(capacity), paid: new Float64Array(capacity), bigPaid: new Map(), rejected: new Uint8Array(capacity),
      reason: new Uint16Array(capacity), reasons: [''], manual: [],
    };
  }

  /**
   * A builder whose capacity grows as instructions are added: a file's part built while the file
   * is read (the judge, judge-file.ts), its count not known before its trailer.
   */
  static growing(): CompactBookBuilder {
    const b = new CompactBookBuilder(64);
    b.growable = true;
    return b;
  }

  private grow(): void {
    const b = this.book;
    const capacity = this.capacity * 2;
    const more = <T extends Uint32Array | Float64Array | Uint8Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const bigger = make(capacity);
      bigger.set(a);
      return bigger;
    };
    b.file = more(b.file, (k) => new Uint32Array(k));
    b.line = more(b.line, (k) => new Float64Array(k));
    b.shares = more(b.shares, (k) => new Float64Array(k));
    b.paid = more(b.paid, (k) => new Float64Array(k));
    b.rejected = more(b.rejected, (k) => new Uint8Array(k));
    b.reason = more(b.reason, (k) => new Uint16Array(k));
    b.refs.length = capacity;
    this.capacity = capacity;
  }

  addFile(f: CompactFile): number {
    const last = this.book.files[this.book.files.length - 1];
    if (last && (last.participant_id > f.participant_id || (last.participant_id === f.participant_id && last.file_seq >= f.file_seq))) {
      throw new InvariantError(`stored files out of order: ${f.participant_id} file_seq ${f.file_seq} after ${last.participant_id} ${last.file_seq}`);
    }
    this.book.files.push(f);
    return this.book.files.length - 1;
  }

  add(fileIndex: number, r: CompactInput): void {
    const i = this.n;
    if (i >= this.capacity) {
      if (!this.growable) throw new StorageError(`the store holds more instructions than its metas count (${this.announced})`);
      this.grow();
    }
    const b = this.book;
    const f = b.files[fileIndex]!;
    b.file[i] = fileIndex;
    b.line[i] = r.line;
    b.refs[i] = r.instruction_ref;
    b.shares[i] = r.shares !== null && Number.isSafeInteger(r.shares) ? r.shares : NaN;
    const paid = centsOf(r.amount_paid);
    b.paid[i] = paid.cents;
    if (paid.big !== null) b.bigPaid.set(i, paid.big);
    if (paid.cents === PAID_MANUAL) {
      b.manual.push({ index: i, participant_id: f.participant_id, instruction_ref: r.instruction_ref, channel: f.channel, file_seq: f.file_seq, line: r.line, amount_paid_text: r.amount_paid_text, applicant_name: r.applicant_name, refund_account: r.refund_account });
    }
    const rejected = r.status === 'REJECTED';
    b.rejected[i] = rejected ? 1 : 0;
    const code = r.reason_code ?? '';
    let reason = this.reasonIndex.get(code);
    if (reason === undefined) {
      reason = b.reasons.length;
      b.reasons.push(code);
      this.reasonIndex.set(code, reason);
    }
    b.reason[i] = reason;
    if (!rejected) {
      for (const raw of r.applicant_ids) {
        const id = normaliseIdentity(raw);
        if (id !== '') this.ids.push(hash52(id), i, id);
      }
    }
    this.n += 1;
  }

  /** What was added, as a part for appendPart (the builder is not used afterwards). */
  part(): CompactPart {
    const b = this.book;
    const n = this.n;
    const bigPaid: [number, bigint][] = [...b.bigPaid];
    return {
      count: n, files: b.files, file: b.file.slice(0, n), line: b.line.slice(0, n), refs: b.refs.slice(0, n), shares: b.shares.slice(0, n),
      paid: b.paid.slice(0, n), bigPaid, rejected: b.rejected.slice(0, n), reason: b.reason.slice(0, n), reasons: b.reasons, manual: b.manual,
      idHash: this.ids.hash.slice(0, this.ids.length), idOwner: this.ids.owner.slice(0, this.ids.length), idText: this.ids.text,
    };
  }

  /** A part's files and instructions after those added so far, as if added one by one. */
  appendPart(p: CompactPart): void {
    const base = this.n;
    if (base + p.count > this.capacity) throw new StorageError(`the store holds more instructions than its metas count (${this.announced})`);
    const b = this.book;
    const fileBase = b.files.length;
    for (const f of p.files) this.addFile(f);
    const reasonOf = p.reasons.map((code) => {
      let reason = this.reasonIndex.get(code);
      if (reason === undefined) {
        reason = b.reasons.length;
        b.reasons.push(code);
        this.reasonIndex.set(code, reason);
      }
      return reason;
    });
    for (let k = 0; k < p.count; k++) {
      b.file[base + k] = p.file[k]! + fileBase;
      b.refs[base + k] = p.refs[k]!;
      b.reason[base + k] = reasonOf[p.reason[k]!]!;
    }
    b.line.set(p.line, base);
    b.shares.set(p.shares, base);
    b.paid.set(p.paid, base);
    b.rejected.set(p.rejected, base);
    for (const [k, v] of p.bigPaid) b.bigPaid.set(base + k, v);
    for (const m of p.manual) b.manual.push({ ...m, index: base + m.index });
    for (let k = 0; k < p.idHash.length; k++) this.ids.push(p.idHash[k]!, base + p.idOwner[k]!, p.idText[k]!);
    this.n += p.count;
  }

  finish(): CompactBook {
    if (this.n !== this.capacity) throw new StorageError(`the store holds ${this.n} instructions, its metas count ${this.capacity}`);
    const book = { ...this.book, count: this.n };
    const multiple = findMultiples(this.ids, this.n);
    this.ids.text = [];
    const order = resultsOrder(book);
    checkUniqueAcceptedKeys(book, order);
    return { ...book, multiple, order, keyOrder: keyOrderOf(book, order, multiple) };
  }
}

/**
 * Multiple applications, as findMultipleApplications decides them: every instruction in which a
 * document appears that also appears in another instruction. Hashes sorted natively; only
 * equal hashes are looked at, and compared by text.
 */
function findMultiples(ids: GrowingIds, count: number): Uint8Array {
  const multiple = new Uint8Array(count);
  const sorted = ids.hash.slice(0, ids.length).sort();
  const repeated = new Set<number>();
  for (let k = 1; k < sorted.length; k++) if (sorted[k] === sorted[k - 1]) repeated.add(sorted[k]!);
  if (repeated.size === 0) return multiple;
  const groups = new Map<number, number[]>();
  for (let k = 0; k < ids.length; k++) {
    const h = ids.hash[k]!;
    if (!repeated.has(h)) continue;
    let g = groups.get(h);
    if (g === undefined) groups.set(h, (g = []));
    g.push(k);
  }
  for (const g of groups.values()) {
    const byText = new Map<string, Set<number>>();
    for (const k of g) {
      const text = ids.text[k]!;
      let owners = byText.get(text);
      if (owners === undefined) byText.set(text, (owners = new Set()));
      owners.add(ids.owner[k]!);
    }
    for (const owners of byText.values()) if (owners.size > 1) for (const o of owners) multiple[o] = 1;
  }
  return multiple;
}

/**
 * rank -> index in results order. Store order is participant_id then file_seq then line, so
 * within one participant a stable sort by instruction_ref gives (instruction_ref, file_seq, line).
 */
function resultsOrder(book: Pick<CompactBook, 'count' | 'file' | 'files' | 'refs'>): Uint32Array {
  const order = new Uint32Array(book.count);
  for (let i = 0; i < book.count; i++) order[i] = i;
  let start = 0;
  while (start < book.count) {
    const participant = book.files[book.file[start]!]!.participant_id;
    let end = start + 1;
    let sorted = true;
    while (end < book.count && book.files[book.file[end]!]!.participant_id === participant) {
      if (book.refs[end - 1]! > book.refs[end]!) sorted = false;
      end += 1;
    }
    if (!sorted) {
      const block = Array.from(order.subarray(start, end)).sort((a, b) => compareKeys(book.refs[a]!, book.refs[b]!) || a - b);
      order.set(block, start);
    }
    start = end;
  }
  return order;
}

/** Two accepted instructions with one key is a broken invariant (ingest gives a ref once). */
function checkUniqueAcceptedKeys(book: Pick<CompactBook, 'count' | 'file' | 'files' | 'refs' | 'rejected'>, order: Uint32Array): void {
  let last = -1;
  for (let r = 0; r < book.count; r++) {
    const i = order[r]!;
    if (book.rejected[i] === 1) continue;
    if (last >= 0 && book.refs[last] === book.refs[i] && book.file[last] !== undefined && book.files[book.file[last]!]!.participant_id === book.files[book.file[i]!]!.participant_id) {
      throw new InvariantError(`two accepted instructions share the key ${book.files[book.file[i]!]!.participant_id}/${book.refs[i]}`);
    }
    last = i;
  }
}

/**
 * The valid applications in key order (`participant_id/instruction_ref` by code unit): the
 * participants ordered by `participant_id + '/'` (a key's participant part is compared with its
 * slash), each participant's applications in instruction_ref order.
 */
function keyOrderOf(book: Pick<CompactBook, 'count' | 'file' | 'files' | 'rejected'>, order: Uint32Array, multiple: Uint8Array): Uint32Array {
  const blocks: { participant: string; start: number; end: number }[] = [];
  let start = 0;
  while (start < book.count) {
    const participant = book.files[book.file[order[start]!]!]!.participant_id;
    let end = start + 1;
    while (end < book.count && book.files[book.file[order[end]!]!]!.participant_id === participant) end += 1;
    blocks.push({ participant, start, end });
    start = end;
  }
  blocks.sort((a, b) => compareKeys(`${a.participant}/`, `${b.participant}/`));
  let valid = 0;
  for (let i = 0; i < book.count; i++) if (book.rejected[i] === 0 && multiple[i] === 0) valid += 1;
  const keyOrder = new Uint32Array(valid);
  let k = 0;
  for (const b of blocks) {
    for (let r = b.start; r < b.end; r++) {
      const i = order[r]!;
      if (book.rejected[i] === 0 && multiple[i] === 0) keyOrder[k++] = i;
    }
  }
  return keyOrder;
}
