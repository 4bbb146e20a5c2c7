/**
 * Builds the ResultsIndex from the rows of results.csv, then refunds.csv, then the manual refunds
 * of summary.json, each row given as its fields (the caller streams the files). Columns are found
 * by NAME in each file's header, so trailing columns added later (refunds.csv `file_seq`, `line`,
 * `currency`, `value_date`, ...) change nothing; when refunds.csv has `file_seq` and `line`, they
 * order the refunds of a reused reference exactly. Pure.
 *
 * A fault in the files (a missing column, a refund without its application, a refund whose
 * reason does not fit the application's status, two refunds for one application, rows out of the
 * results order) is an InvariantError: the site refuses to publish files that disagree.
 */
import { InvariantError } from '../domain/errors';
import { normaliseIdentity } from '../allocate/multiple-applications';
import { IdentityTable } from './identity-table';
import { NO_REFUND, placeRefunds, refundFits, UNDETERMINED } from './refund-matching';
import {
  IndexColumns, IndexTexts, REFUND_MANUAL, REFUND_NONE, REFUND_PAID, REFUND_UNDETERMINED, ResultsIndex,
} from './results-index';
import { TextInterner } from './text-interner';

/** The columns of results.csv and refunds.csv the site reads (verify-site reads the same). */
export const RESULT_NEEDS = ['participant_id', 'instruction_ref', 'channel', 'applicant_ids', 'pool', 'shares_applied', 'shares_allotted', 'status', 'reason_code'] as const;
export const REFUND_NEEDS = ['participant_id', 'instruction_ref', 'method', 'amount', 'reason'] as const;
const WHOLE = /^(0|[1-9][0-9]*)$/;
const MONEY = /^(0|[1-9][0-9]*)\.[0-9]{2}$/;
/** refunds.csv `method` of a refund made by hand (treasury, issue 12). */
const MANUAL_METHOD = 'MANUAL';

type Columns<N extends readonly string[]> = { [K in N[number]]: number };

function columnsOf<N extends readonly string[]>(file: string, header: readonly string[], needs: N): Columns<N> {
  const at = {} as Record<string, number>;
  for (const name of needs) {
    const i = header.indexOf(name);
    if (i < 0) throw new InvariantError(`${file}: no column ${name} (header: ${header.join(',')})`);
    at[name] = i;
  }
  return at as Columns<N>;
}

interface PendingRefund {
  reason: string;
  method: string;
  cents: number;
  /** file_seq and line when refunds.csv has them, else null. */
  fileSeq: number | null;
  line: number | null;
  /** Position in refunds.csv. */
  order: number;
}

function grow<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export interface IndexSizeHint {
  /** Rows of results.csv (manifest.json), to size the arrays once. */
  applications?: number;
}

export class ResultsIndexBuilder {
  private readonly ids: IdentityTable;
  private readonly c: IndexColumns;
  private readonly t: IndexTexts = {
    participant: new TextInterner('participant_id', 0xffffffff),
    channel: new TextInterner('channel', 0xff),
    pool: new TextInterner('pool', 0xff),
    status: new TextInterner('status', 0xff),
    reason: new TextInterner('reason_code', 0xff),
    refundMethod: new TextInterner('method', 0xff),
    refundReason: new TextInterner('reason', 0xff),
  };
  private readonly sharesAppliedText = new Map<number, string>();
  private resultCols: Columns<typeof RESULT_NEEDS> | null = null;
  private refundCols: (Columns<typeof REFUND_NEEDS> & { file_seq: number; line: number }) | null = null;
  /** Transient, dropped by build(): (participant, ref) -> first row of its group. */
  private groupOf: Map<string, number> | null = new Map();
  /** Transient: first row -> rows in the group, for groups of more than one row (reused references). */
  private groupSize = new Map<number, number>();
  private pending = new Map<number, PendingRefund[]>();
  private manual: { participant_id: string; instruction_ref: string }[] = [];
  private lastKey = '';
  private refundRows = 0;
  private built = false;

  constructor(hint: IndexSizeHint = {}) {
    const n = Math.max(16, hint.applications ?? 1024);
    // Documents and postings: one per applicant; room for a quarter of the applications being joint
    // before an array has to double.
    const documents = Math.ceil(n * 1.25);
    this.ids = new IdentityTable(documents);
    this.c = {
      rows: 0,
      participant: new Uint32Array(n), channel: new Uint8Array(n), pool: new Uint8Array(n), status: new Uint8Array(n),
      reason: new Uint8Array(n), applicants: new Uint8Array(n), sharesApplied: new Float64Array(n),
      sharesAppliedText: this.sharesAppliedText, sharesAllotted: new Float64Array(n), refundState: new Uint8Array(n),
      refundCents: new Float64Array(n).fill(NaN), refundMethod: new Uint8Array(n), refundReason: new Uint8Array(n),
      head: new Int32Array(documents).fill(-1), postingRow: new Int32Array(documents), postingNext: new Int32Array(documents), postingPosition: new Uint8Array(documents),
      postings: 0,
    };
  }

  resultColumns(header: readonly string[]): void {
    this.resultCols = columnsOf('results.csv', header, RESULT_NEEDS);
  }

  /** One data row of results.csv; `line` (1-based, in the file) for messages. */
  addResult(f: readonly string[], line: number): void {
    const at = this.resultCols;
    if (!at) throw new InvariantError('results.csv: rows given before the header');
    if (this.built) throw new InvariantError('the index is already built');
    const field = (i: number) => {
      const v = f[i];
      if (v === undefined) throw new InvariantError(`results.csv line ${line}: ${f.length} fields, fewer than the header's`);
      return v;
    };
    const row = this.c.rows;
    this.ensureRows(row + 1);
    const c = this.c;
    const participant = field(at.participant_id);
    const key = `${participant}\n${field(at.instruction_ref)}`;
    if (key === this.lastKey) {
      const first = this.groupOf!.get(key)!;
      this.groupSize.set(first, (this.groupSize.get(first) ?? 1) + 1);
    } else {
      if (this.groupOf!.has(key)) throw new InvariantError(`results.csv line ${line}: not in the results order (participant_id, instruction_ref seen before)`);
      this.groupOf!.set(key, row);
      this.lastKey = key;
    }
    c.participant[row] = this.t.participant.add(participant);
    c.channel[row] = this.t.channel.add(field(at.channel));
    c.pool[row] = this.t.pool.add(field(at.pool));
    c.status[row] = this.t.status.add(field(at.status));
    c.reason[row] = this.t.reason.add(field(at.reason_code));
    const applied = field(at.shares_applied);
    if (WHOLE.test(applied) && Number.isSafeInteger(Number(applied))) c.sharesApplied[row] = Number(applied);
    else {
      c.sharesApplied[row] = NaN;
      this.sharesAppliedText.set(row, Buffer.from(applied, 'utf8').toString('utf8'));
    }
    const allotted = field(at.shares_allotted);
    if (!WHOLE.test(allotted) || !Number.isSafeInteger(Number(allotted))) throw new InvariantError(`results.csv line ${line}: shares_allotted "${allotted}" is not a whole number`);
    c.sharesAllotted[row] = Number(allotted);
    const ids = field(at.applicant_ids);
    let position = 0;
    if (ids !== '') {
      for (const entry of ids.split(';')) {
        const id = normaliseIdentity(entry);
        if (id === '') continue;
        this.addPosting(this.ids.add(id), row, position);
        position += 1;
      }
    }
    c.applicants[row] = Math.min(position, 0xff);
    c.rows = row + 1;
  }

  refundColumns(header: readonly string[]): void {
    this.refundCols = { ...columnsOf('refunds.csv', header, REFUND_NEEDS), file_seq: header.indexOf('file_seq'), line: header.indexOf('line') };
  }

  /** One data row of refunds.csv. */
  addRefund(f: readonly string[], line: number): void {
    const at = this.refundCols;
    if (!at) throw new InvariantError('refunds.csv: rows given before the header');
    const field = (i: number) => {
      const v = f[i];
      if (v === undefined) throw new InvariantError(`refunds.csv line ${line}: ${f.length} fields, fewer than the header's`);
      return v;
    };
    const order = this.refundRows++;
    const participant = field(at.participant_id);
    const ref = field(at.instruction_ref);
    const first = this.groupOf?.get(`${participant}\n${ref}`);
    if (first === undefined) throw new InvariantError(`refunds.csv line ${line}: no application ${participant} ${ref} in results.csv`);
    const method = field(at.method);
    const reason = field(at.reason);
    const amount = field(at.amount);
    let cents = NaN;
    if (MONEY.test(amount) && Number.isSafeInteger(Number(amount.replace('.', '')))) cents = Number(amount.replace('.', ''));
    else if (method !== MANUAL_METHOD) throw new InvariantError(`refunds.csv line ${line}: amount "${amount}" is not money with two decimals`);
    const size = this.groupSize.get(first) ?? 1;
    if (size === 1) {
      this.placeRefund(first, { reason, method, cents }, line);
      return;
    }
    const number = (i: number) => (i < 0 || !WHOLE.test(f[i] ?? '') ? null : Number(f[i]));
    const list = this.pending.get(first) ?? [];
    list.push({ reason, method, cents, fileSeq: number(at.file_seq), line: number(at.line), order });
    this.pending.set(first, list);
  }

  /** An instruction refunded by hand (summary.json `manual_refunds`). */
  addManualRefund(participant_id: string, instruction_ref: string): void {
    this.manual.push({ participant_id, instruction_ref });
  }

  build(): ResultsIndex {
    if (this.built) throw new InvariantError('the index is already built');
    this.built = true;
    for (const [first, refunds] of this.pending) this.placeGroup(first, refunds);
    this.placeManual();
    this.groupOf = null;
    this.groupSize = new Map();
    this.pending = new Map();
    return new ResultsIndex(this.ids, this.c, this.t);
  }

  private placeRefund(row: number, r: { reason: string; method: string; cents: number }, line: number): void {
    const c = this.c;
    const status = this.t.status.text(c.status[row]!);
    if (!refundFits(status, r.reason)) throw new InvariantError(`refunds.csv line ${line}: a ${r.reason} refund for an application whose status is ${status}`);
    if (c.refundState[row] !== REFUND_NONE) throw new InvariantError(`refunds.csv line ${line}: a second refund for one application`);
    if (Number.isNaN(r.cents)) {
      c.refundState[row] = REFUND_MANUAL;
      return;
    }
    c.refundState[row] = REFUND_PAID;
    c.refundCents[row] = r.cents;
    c.refundMethod[row] = this.t.refundMethod.add(r.method);
    c.refundReason[row] = this.t.refundReason.add(r.reason);
  }

  private placeGroup(first: number, refunds: PendingRefund[]): void {
    const size = this.groupSize.get(first) ?? 1;
    const exact = refunds.every((r) => r.fileSeq !== null && r.line !== null);
    const ordered = [...refunds].sort((a, b) => (exact ? a.fileSeq! - b.fileSeq! || a.line! - b.line! : a.order - b.order));
    const statuses = Array.from({ length: size }, (_, i) => this.t.status.text(this.c.status[first + i]!));
    const placement = placeRefunds(statuses, ordered.map((r) => r.reason));
    if (placement === null) throw new InvariantError(`refunds.csv: the ${refunds.length} refunds of reference ${this.describe(first)} do not fit its ${size} applications`);
    placement.forEach((p, i) => {
      if (p === UNDETERMINED) this.c.refundState[first + i] = REFUND_UNDETERMINED;
      else if (p !== NO_REFUND) this.placeRefund(first + i, ordered[p]!, ordered[p]!.order + 2);
    });
  }

  /**
   * summary.json lists the instructions whose amount paid could not be read. A single row gets
   * MANUAL. In a group of rows sharing a reference, the REJECTED rows still without a refund get
   * MANUAL when they are exactly as many as the listed ones, else UNDETERMINED.
   */
  private placeManual(): void {
    const perGroup = new Map<number, number>();
    for (const m of this.manual) {
      const first = this.groupOf?.get(`${m.participant_id}\n${m.instruction_ref}`);
      if (first === undefined) throw new InvariantError(`summary.json manual_refunds: no application ${m.participant_id} ${m.instruction_ref} in results.csv`);
      perGroup.set(first, (perGroup.get(first) ?? 0) + 1);
    }
    const c = this.c;
    for (const [first, listed] of perGroup) {
      const size = this.groupSize.get(first) ?? 1;
      const open: number[] = [];
      let already = 0;
      for (let row = first; row < first + size; row++) {
        if (c.refundState[row] === REFUND_MANUAL) already += 1;
        else if (c.refundState[row] === REFUND_NONE && this.t.status.text(c.status[row]!) === 'REJECTED') open.push(row);
      }
      // refunds.csv may already carry them as MANUAL rows (treasury's ledger).
      if (already >= listed) continue;
      const state = open.length === listed - already ? REFUND_MANUAL : REFUND_UNDETERMINED;
      if (open.length === 0) throw new InvariantError(`summary.json manual_refunds: reference ${this.describe(first)} has no rejected application without a refund`);
      for (const row of open) c.refundState[row] = state;
    }
  }

  private describe(row: number): string {
    for (const [key, first] of this.groupOf ?? []) if (first === row) return key.replace('\n', ' ');
    return `row ${row + 1}`;
  }

  private addPosting(key: number, row: number, position: number): void {
    const c = this.c;
    const p = c.postings;
    if (p >= c.postingRow.length) {
      const n = Math.max(p + 1, c.postingRow.length * 2);
      c.postingRow = grow(c.postingRow, n, (m) => new Int32Array(m));
      c.postingNext = grow(c.postingNext, n, (m) => new Int32Array(m));
      c.postingPosition = grow(c.postingPosition, n, (m) => new Uint8Array(m));
    }
    if (key >= c.head.length) {
      const old = c.head.length;
      c.head = grow(c.head, key + 1, (m) => new Int32Array(m));
      c.head.fill(-1, old);
    }
    c.postingRow[p] = row;
    c.postingPosition[p] = Math.min(position, 0xff);
    c.postingNext[p] = c.head[key]!;
    c.head[key] = p;
    c.postings = p + 1;
  }

  private ensureRows(n: number): void {
    const c = this.c;
    if (n <= c.status.length) return;
    const m = Math.max(n, c.status.length * 2);
    const old = c.status.length;
    c.participant = grow(c.participant, m, (k) => new Uint32Array(k));
    c.channel = grow(c.channel, m, (k) => new Uint8Array(k));
    c.pool = grow(c.pool, m, (k) => new Uint8Array(k));
    c.status = grow(c.status, m, (k) => new Uint8Array(k));
    c.reason = grow(c.reason, m, (k) => new Uint8Array(k));
    c.applicants = grow(c.applicants, m, (k) => new Uint8Array(k));
    c.sharesApplied = grow(c.sharesApplied, m, (k) => new Float64Array(k));
    c.sharesAllotted = grow(c.sharesAllotted, m, (k) => new Float64Array(k));
    c.refundState = grow(c.refundState, m, (k) => new Uint8Array(k));
    c.refundCents = grow(c.refundCents, m, (k) => new Float64Array(k));
    c.refundCents.fill(NaN, old);
    c.refundMethod = grow(c.refundMethod, m, (k) => new Uint8Array(k));
    c.refundReason = grow(c.refundReason, m, (k) => new Uint8Array(k));
  }
}
