/**
 * The issuance ledger (docs/treasury.md, "Never paying twice"): every payment run records, for each
 * refund it issued, an ISSUED event; a refund the bank returned gets a RETURNED event in the run
 * that re-issues it; a manual refund handed to the registrar's list gets a LISTED event. A refund
 * reference is outstanding from its ISSUED event until a RETURNED one, and an outstanding
 * reference is never issued again.
 *
 * Kept compact on purpose (a million refunds per offering): refund references are `R`/`M` and a
 * sequence number, so the state is typed arrays indexed by that number (4 bytes a refund for the
 * run that issued it, 1 byte for "was returned", 1 byte per manual refund), not a map of strings.
 * Pure: the events come from and go to src/io/treasury-ledger.ts.
 */
import { InvariantError } from '../domain/errors';
import { parseCents } from '../money/cents';

export const ISSUANCE_COLUMNS = ['event', 'refund_ref', 'end_to_end_id', 'method', 'amount', 'value_date', 'cheque_number', 'note'] as const;
export type IssuanceEventKind = 'ISSUED' | 'RETURNED' | 'LISTED';

export interface IssuanceEvent {
  event: IssuanceEventKind;
  refund_ref: string;
  /** The end-to-end id the money went under (the refund_ref, or a batched credit's id); '' for cheques and LISTED. */
  end_to_end_id: string;
  method: string;
  /** Two decimals; '' for LISTED (a manual refund's amount is not known). */
  amount: string;
  value_date: string;
  cheque_number: string;
  /** RETURNED: the reason the bank gave, if any (no commas, quotes or line breaks). */
  note: string;
}

export interface RowsAndCents {
  rows: number;
  cents: bigint;
}

const REF = /^([RM])([0-9]{8,})$/;

export function refSequence(ref: string): { kind: 'R' | 'M'; seq: number } | null {
  const m = REF.exec(ref);
  return m ? { kind: m[1] as 'R' | 'M', seq: Number(m[2]) } : null;
}

function grown<T extends Uint32Array | Uint8Array>(a: T, index: number, make: (n: number) => T): T {
  if (index < a.length) return a;
  const next = make(Math.max(index + 1, a.length * 2, 1024));
  next.set(a);
  return next;
}

export class IssuanceLedger {
  /** Per R sequence number: the run whose ISSUED event is outstanding, 0 for none. */
  private issuedIn = new Uint32Array(0);
  /** Per R sequence number: 1 once it has been returned. */
  private returnedOnce = new Uint8Array(0);
  /** Per M sequence number: 1 once listed for the registrar. */
  private listed = new Uint8Array(0);
  /** Outstanding issues (issued and not returned). */
  readonly outstanding: RowsAndCents = { rows: 0, cents: 0n };
  /** Every RETURNED event so far. */
  readonly returned: RowsAndCents = { rows: 0, cents: 0n };
  listedRows = 0;

  /** Applies one event of run `run`; a ledger that contradicts itself is a broken invariant. */
  apply(run: number, e: IssuanceEvent): void {
    const ref = refSequence(e.refund_ref);
    const where = `issuance ledger run ${run}, ${e.event} ${e.refund_ref}`;
    if (!ref) throw new InvariantError(`${where}: not a refund reference`);
    if (e.event === 'LISTED') {
      if (ref.kind !== 'M') throw new InvariantError(`${where}: only a manual refund is listed`);
      this.listed = grown(this.listed, ref.seq, (n) => new Uint8Array(n));
      if (this.listed[ref.seq]) throw new InvariantError(`${where}: listed twice`);
      this.listed[ref.seq] = 1;
      this.listedRows += 1;
      return;
    }
    const cents = parseCents(e.amount);
    if (ref.kind !== 'R' || cents === null) throw new InvariantError(`${where}: amount "${e.amount}" of an automatic refund expected`);
    this.issuedIn = grown(this.issuedIn, ref.seq, (n) => new Uint32Array(n));
    this.returnedOnce = grown(this.returnedOnce, ref.seq, (n) => new Uint8Array(n));
    if (e.event === 'ISSUED') {
      if (this.issuedIn[ref.seq]) throw new InvariantError(`${where}: already issued in run ${this.issuedIn[ref.seq]}`);
      this.issuedIn[ref.seq] = run;
      this.outstanding.rows += 1;
      this.outstanding.cents += cents;
    } else if (e.event === 'RETURNED') {
      if (!this.issuedIn[ref.seq]) throw new InvariantError(`${where}: returned but not issued`);
      this.issuedIn[ref.seq] = 0;
      this.returnedOnce[ref.seq] = 1;
      this.outstanding.rows -= 1;
      this.outstanding.cents -= cents;
      this.returned.rows += 1;
      this.returned.cents += cents;
    } else {
      throw new InvariantError(`${where}: unknown event`);
    }
  }

  /** The run in which an R refund is outstanding, 0 when it is not (never issued, or returned). */
  issuedRun(seq: number): number {
    return this.issuedIn[seq] ?? 0;
  }

  wasReturned(seq: number): boolean {
    return (this.returnedOnce[seq] ?? 0) === 1;
  }

  isListed(seq: number): boolean {
    return (this.listed[seq] ?? 0) === 1;
  }
}

/**
 * How a refund is paid when it is issued (again): as refunds.csv says, except that an e-Refund the
 * bank returned is re-issued by cheque (the account it came from did not take it; a White Form
 * applicant without a usable account is refunded by cheque in the first place).
 */
export function issueMethod(method: string, returnedBefore: boolean): string {
  return method === 'E_REFUND' && returnedBefore ? 'CHEQUE' : method;
}

/** A note from a bank's return report, made safe for one CSV cell without quoting. */
export function cleanNote(text: string): string {
  return text.replace(/[,"\r\n]/g, ' ').trim().slice(0, 200);
}
