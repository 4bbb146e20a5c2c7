/**
 * The book's lifecycle, as data and pure decisions (docs/architecture.md, "The book's lifecycle").
 *
 *   open ──close──> closed ──allocate──> allocated ──allocate --supersede──> allocated (again)
 *     │               │                     │
 *     └───────────────┴──────lapse──────────┴──> lapsed (final: nothing allotted, all refunded)
 *
 * - open: files are ingested.
 * - closed: the lists closed at a recorded instant. The files in the inboxes at that instant
 *   (the arrivals) are the last ones that count: they are ingested (the close waits for them);
 *   any other file is answered BOOK_CLOSED. Lateness is judged by arrival, never by when a file
 *   happened to be processed (spec: instruction-file.md, "What a file gets back").
 * - allocated: final; the price, seed, ballot policy and the book's hash are recorded. Another
 *   allocation only with --supersede and a reason; the earlier outputs are kept byte for byte.
 * - lapsed: the offering did not become unconditional; every amount paid is refunded in full.
 *
 * An allocation or a lapse first records its intent (`allocating`, `lapsing`) and then the
 * outcome, so a crash in between is finished by repeating the same command and never silently
 * replaced by another one. Every transition keeps its instant, command, operator, host and pid.
 *
 * Pure: the instant and the actor are inputs; reading and writing the record is src/io's.
 */
import { BookStateError } from '../domain/errors';

export type BookState = 'open' | 'closed' | 'allocated' | 'lapsed';

/** Who made a transition, when. */
export interface Actor {
  /** UTC instant, ISO 8601 with milliseconds, e.g. `2021-12-23T04:00:00.000Z`. */
  at: string;
  command: string;
  operator: string;
  host: string;
  pid: number;
}

/** A file found in an inbox at the close: it arrived before the close and counts. */
export interface Arrival {
  /** The inbox folder as recorded (absolute path). */
  inbox: string;
  /** The participant folder and the file name. */
  folder: string;
  name: string;
  dev: number;
  ino: number;
  size: number;
  mtime_ms: number;
}

/** The parameters of an allocation: what makes it reproducible. */
export interface AllocationRecord {
  /** Normalised decimal text, e.g. `3.85`. */
  final_price: string;
  seed: string;
  reallocate_shares: number | null;
  /** The ballot policy as given (JSON), null for the offering's default. */
  ballot_policy: unknown;
}

/** A final allocation (or lapse) replaced by a later one, and where its outputs are kept. */
export interface Supersession {
  /** Relative to the work folder, e.g. `allocation/superseded/1`. */
  folder: string;
  reason: string;
}

export type Transition =
  | (Actor & { to: 'open' })
  | (Actor & { to: 'closed'; arrivals: Arrival[] })
  | (Actor & { to: 'allocating'; parameters: AllocationRecord; supersedes: Supersession | null })
  | (Actor & { to: 'allocated'; parameters: AllocationRecord; supersedes: Supersession | null; book_sha256: string; manifest_sha256: string })
  | (Actor & { to: 'lapsing'; reason: string; supersedes: Supersession | null })
  | (Actor & { to: 'lapsed'; reason: string; supersedes: Supersession | null; manifest_sha256: string });

export type ClosedTransition = Extract<Transition, { to: 'closed' }>;
export type FinalTransition = Extract<Transition, { to: 'allocated' | 'lapsed' }>;
export type IntentTransition = Extract<Transition, { to: 'allocating' | 'lapsing' }>;

/** The lifecycle record (`<work>/lifecycle.json`). */
export interface Lifecycle {
  format: 1;
  /** The offering the book belongs to (figures `status` needs without the offering file). */
  offering: { stock_code: string; issuer: string; hong_kong_initial_shares: number };
  /** Every inbox ingested into this book (absolute paths): the close looks for arrivals there. */
  inboxes: string[];
  transitions: Transition[];
}

/** What the record says now. */
export interface BookView {
  state: BookState;
  closed: ClosedTransition | null;
  /** The last final transition (allocated or lapsed), null before one. */
  final: FinalTransition | null;
  /** An allocation or lapse started and not finished (a crash), null otherwise. */
  pending: IntentTransition | null;
  /** Final transitions so far (the number of allocations and lapses written). */
  finals: number;
}

export function viewOf(l: Lifecycle): BookView {
  let state: BookState = 'open';
  let closed: ClosedTransition | null = null;
  let final: FinalTransition | null = null;
  let pending: IntentTransition | null = null;
  let finals = 0;
  for (const t of l.transitions) {
    switch (t.to) {
      case 'open': break;
      case 'closed': closed = t; state = 'closed'; break;
      case 'allocating': case 'lapsing': pending = t; break;
      case 'allocated': case 'lapsed': final = t; pending = null; finals += 1; state = t.to; break;
    }
  }
  return { state, closed, final, pending, finals };
}

/** A new record for a book that starts now. */
export function openBook(offering: Lifecycle['offering'], actor: Actor): Lifecycle {
  return { format: 1, offering, inboxes: [], transitions: [{ ...actor, to: 'open' }] };
}

export function withTransition(l: Lifecycle, t: Transition): Lifecycle {
  return { ...l, transitions: [...l.transitions, t] };
}

export function withInbox(l: Lifecycle, inbox: string): Lifecycle {
  return l.inboxes.includes(inbox) ? l : { ...l, inboxes: [...l.inboxes, inbox].sort() };
}

/** The identity of an inbox file as seen now (lstat of the entry), in the form of an arrival. */
export type InboxEntry = Arrival;

export type Admission =
  | { admit: true; listsClosed: boolean }
  | { admit: false; detail: string };

const sameFile = (a: Arrival, e: InboxEntry) =>
  a.inbox === e.inbox && a.folder === e.folder && a.name === e.name && a.dev === e.dev && a.ino === e.ino && a.size === e.size && a.mtime_ms === e.mtime_ms;

/**
 * May this file be ingested into the book? Open: yes. Closed: only an arrival (the same file,
 * unchanged since the close), judged with the lists closed; anything else is BOOK_CLOSED. Asked
 * before a file is read and again just before its instructions are committed (the fence).
 */
export function admitFile(l: Lifecycle, entry: InboxEntry): Admission {
  const v = viewOf(l);
  if (v.closed === null) return { admit: true, listsClosed: false };
  const closedAt = v.closed.at ? `the book was closed at ${v.closed.at}` : 'the book was closed';
  if (v.final !== null) return { admit: false, detail: `${closedAt} and ${v.final.to === 'lapsed' ? 'the offering lapsed' : 'allocated'} at ${v.final.at}` };
  const arrival = v.closed.arrivals.find((a) => a.inbox === entry.inbox && a.folder === entry.folder && a.name === entry.name);
  if (arrival === undefined) return { admit: false, detail: closedAt };
  if (!sameFile(arrival, entry)) return { admit: false, detail: `${closedAt}; this file was changed after the close` };
  return { admit: true, listsClosed: true };
}

export function sameParameters(a: AllocationRecord, b: AllocationRecord): boolean {
  return a.final_price === b.final_price && a.seed === b.seed && a.reallocate_shares === b.reallocate_shares
    && JSON.stringify(a.ballot_policy ?? null) === JSON.stringify(b.ballot_policy ?? null);
}

export function describeParameters(p: AllocationRecord): string {
  return `final price ${p.final_price}, seed ${JSON.stringify(p.seed)}${p.reallocate_shares !== null ? `, reallocation ${p.reallocate_shares}` : ''}${p.ballot_policy ? `, ballot policy ${JSON.stringify(p.ballot_policy)}` : ''}`;
}

function describeFinal(f: FinalTransition): string {
  return f.to === 'allocated'
    ? `allocated at ${f.at} by ${f.operator} (${describeParameters(f.parameters)})`
    : `lapsed at ${f.at} by ${f.operator} (${JSON.stringify(f.reason)})`;
}

/** Where the n-th replaced final allocation is kept. */
export function supersededFolder(n: number): string {
  return `allocation/superseded/${n}`;
}

export type OutcomePlan =
  /** The book is still open: close it first, then plan again. */
  | { kind: 'close-first' }
  /** Write it (for the first time, or finishing an interrupted one). */
  | { kind: 'write'; supersedes: Supersession | null; resume: boolean }
  /** Already final with exactly these parameters: nothing to write. */
  | { kind: 'already'; final: FinalTransition };

/**
 * May an allocation with these parameters be written? Throws BookStateError with one line
 * naming the allocation in the way. `supersede` carries the operator's reason, when given.
 */
export function planAllocation(l: Lifecycle, p: AllocationRecord, supersede: { reason: string } | null): OutcomePlan {
  const v = viewOf(l);
  if (v.closed === null) return { kind: 'close-first' };
  if (v.final?.to === 'lapsed' && supersede === null) throw new BookStateError(`the offering ${describeFinal(v.final)}: nothing can be allocated`);
  if (v.pending !== null) {
    if (v.pending.to === 'allocating' && sameParameters(v.pending.parameters, p)) return { kind: 'write', supersedes: v.pending.supersedes, resume: true };
    if (supersede === null) {
      const what = v.pending.to === 'allocating' ? `an allocation with ${describeParameters(v.pending.parameters)}` : `a lapse (${JSON.stringify(v.pending.reason)})`;
      throw new BookStateError(`${what} was started at ${v.pending.at} by ${v.pending.operator} and did not finish: repeat that command to finish it, or replace it with --supersede --reason TEXT`);
    }
  }
  if (v.final === null) return { kind: 'write', supersedes: null, resume: false };
  if (supersede === null) {
    if (v.final.to === 'allocated' && sameParameters(v.final.parameters, p)) return { kind: 'already', final: v.final };
    throw new BookStateError(`the book was ${describeFinal(v.final)}; a new allocation needs --supersede --reason TEXT`);
  }
  return { kind: 'write', supersedes: { folder: supersededFolder(v.finals), reason: supersede.reason }, resume: false };
}

/** May the offering be declared lapsed? */
export function planLapse(l: Lifecycle, reason: string): OutcomePlan {
  const v = viewOf(l);
  if (v.closed === null) return { kind: 'close-first' };
  if (v.pending?.to === 'lapsing') return { kind: 'write', supersedes: v.pending.supersedes, resume: true };
  if (v.final?.to === 'lapsed') return { kind: 'already', final: v.final };
  if (v.final === null) return { kind: 'write', supersedes: null, resume: false };
  return { kind: 'write', supersedes: { folder: supersededFolder(v.finals), reason }, resume: false };
}

/** Arrivals of the close not yet resolved: still in an inbox as they were at the close. */
export function pendingArrivals(l: Lifecycle, present: readonly InboxEntry[]): Arrival[] {
  const closed = viewOf(l).closed;
  if (closed === null) return [];
  return closed.arrivals.filter((a) => present.some((e) => sameFile(a, e)));
}
