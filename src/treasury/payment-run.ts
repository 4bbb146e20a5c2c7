/**
 * A payment run, one refunds.csv row at a time (docs/treasury.md): which refunds it issues, how
 * (payment file, cheque, manual list), under which ids, and the text each output file gets. Pure
 * and streaming: the shell (src/pipeline/pay.ts) feeds the rows in file order and writes what
 * comes back, so memory holds only the totals, the batches (one per participant and value date)
 * and the issuance ledger's typed arrays, never the payments.
 *
 * Selection: every automatic refund not outstanding in the issuance ledger (never issued, or
 * returned), and every manual refund not yet listed; with `only`, just those references, and one
 * already outstanding is refused (it would be paid twice). Returned references (`returning`) get
 * their RETURNED event as their row goes by, then are issued again like any other.
 */
import { InvariantError, UsageError } from '../domain/errors';
import { formatCents } from '../money/cents';
import { formatCsvRecord } from './csv-record';
import { parseHkAccount, HkAccount } from './hk-account';
import { cleanNote, IssuanceEvent, IssuanceLedger, issueMethod, ISSUANCE_COLUMNS, RowsAndCents } from './issuance';
import type { LedgerIndex, LedgerRefund } from './ledger-row';
import { CreditTransfer, DebtorParty, Pain001Template } from './pain001';
import { batchEndToEndId, batchRemittance, instructionId, messageId, paymentText, refundRemittance } from './payment-ids';
import { chequeRegisterRecord, remittanceAdviceRecord } from './treasury-columns';

export type BatchBy = 'instruction' | 'participant';

export interface PaymentRunParameters {
  run: number;
  stock_code: string;
  issuer: string;
  /** GrpHdr/CreDtTm: an input (docs/treasury.md), never the clock read here. */
  created_at: string;
  debtor: DebtorParty;
  batch_by: BatchBy;
  /** Overrides refunds.csv's value date (a re-issue after the dispatch date); null: as refunds.csv says. */
  value_date: string | null;
  /** First cheque number (digits, width kept) and optionally the last one available. */
  cheques: { first: string; last: string | null } | null;
  /** Only these refund references, when given. */
  only: ReadonlySet<string> | null;
  /** R sequence numbers the bank returned, with the reason given (or ''). */
  returning: ReadonlyMap<number, string>;
}

/** What one row adds to the output files (each already a CSV record or XML text). */
export interface RowOutput {
  events: string;
  cheque?: string;
  advice?: string;
  manual?: string;
  xml?: { value_date: string; text: string };
}

export interface DateBlock {
  value_date: string;
  msg_id: string;
  currency: string;
  transactions: number;
  refunds: number;
  cents: bigint;
}

interface Batch {
  value_date: string;
  participant_id: string;
  name: string;
  account: HkAccount;
  currency: string;
  end_to_end_id: string;
  refunds: number;
  cents: bigint;
}

const add = (t: RowsAndCents, cents: bigint) => { t.rows += 1; t.cents += cents; };

/**
 * A string of its own. Text read from a file is often a slice of the whole chunk it came in
 * (64 KB); one kept for the rest of the run (a batch's payee) would keep that chunk alive with it.
 */
function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

export class PaymentRun {
  private readonly template = new Pain001Template();
  readonly blocks = new Map<string, DateBlock>();
  private readonly batches = new Map<string, Batch>();
  private chequeNext: bigint | null;
  readonly cheques: RowsAndCents & { first: string; last: string } = { rows: 0, cents: 0n, first: '', last: '' };
  readonly manual = { rows: 0 };
  readonly returnedNow: RowsAndCents = { rows: 0, cents: 0n };
  readonly skippedIssued: RowsAndCents = { rows: 0, cents: 0n };
  /** Every row of refunds.csv as read: automatic rows and amounts, MANUAL rows. */
  readonly ledgerFile = { automatic: { rows: 0, cents: 0n } as RowsAndCents, manual: 0 };
  private readonly found = new Set<string>();
  private readonly returnedSeen = new Set<number>();

  constructor(private readonly p: PaymentRunParameters, private readonly ledger: IssuanceLedger, private readonly idx: LedgerIndex) {
    this.chequeNext = p.cheques ? BigInt(p.cheques.first) : null;
  }

  private event(e: Omit<IssuanceEvent, 'note'> & { note?: string }): string {
    const full: IssuanceEvent = { note: '', ...e };
    this.ledger.apply(this.p.run, full);
    return formatCsvRecord(ISSUANCE_COLUMNS.map((c) => full[c]));
  }

  accept(row: LedgerRefund): RowOutput | null {
    const p = this.p;
    if (row.kind === 'M') {
      this.ledgerFile.manual += 1;
      if (p.only && !p.only.has(row.refund_ref)) return null;
      if (p.only) this.found.add(row.refund_ref);
      if (this.ledger.isListed(row.seq)) {
        if (p.only) throw new UsageError(`${row.refund_ref} is a manual refund already on the manual list of an earlier run`);
        return null;
      }
      this.manual.rows += 1;
      return {
        manual: formatCsvRecord(row.cells),
        events: this.event({ event: 'LISTED', refund_ref: row.refund_ref, end_to_end_id: '', method: 'MANUAL', amount: '', value_date: row.value_date, cheque_number: '' }),
      };
    }
    const cents = row.amount_cents!;
    const amount = formatCents(cents);
    add(this.ledgerFile.automatic, cents);
    let events = '';
    const note = p.returning.get(row.seq);
    if (note !== undefined) {
      // The issue it cancels is the refund's latest ISSUED event (its method, date and ids are there).
      this.returnedSeen.add(row.seq);
      const cancelled = issueMethod(row.method, this.ledger.wasReturned(row.seq));
      events += this.event({ event: 'RETURNED', refund_ref: row.refund_ref, end_to_end_id: '', method: cancelled, amount, value_date: '', cheque_number: '', note: cleanNote(note) });
      add(this.returnedNow, cents);
    }
    if (p.only && !p.only.has(row.refund_ref)) return events ? { events } : null;
    if (p.only) this.found.add(row.refund_ref);
    const issuedIn = this.ledger.issuedRun(row.seq);
    if (issuedIn) {
      if (p.only) throw new UsageError(`${row.refund_ref} was issued in payment run ${issuedIn}; a refund is issued again only once the bank has returned it (--returned)`);
      add(this.skippedIssued, cents);
      return events ? { events } : null;
    }
    const valueDate = p.value_date ?? row.value_date;
    if (valueDate === '') throw new UsageError(`${row.refund_ref} has no value date: the offering sets no timetable.after_close.refund_dispatch; add it and allocate again, or give --value-date`);
    if (!/^[A-Z]{3}$/.test(row.currency)) throw new InvariantError(`${row.refund_ref}: currency "${row.currency}"`);
    const method = issueMethod(row.method, this.ledger.wasReturned(row.seq));
    const issued = { event: 'ISSUED' as const, refund_ref: row.refund_ref, method, amount, value_date: valueDate };
    if (method === 'CHEQUE') {
      const number = this.nextCheque(row.refund_ref);
      add(this.cheques, cents);
      return {
        cheque: chequeRegisterRecord(row, this.idx, number, amount, valueDate),
        events: events + this.event({ ...issued, end_to_end_id: '', cheque_number: number }),
      };
    }
    if (method !== 'DIRECT_CREDIT' && method !== 'E_REFUND') throw new InvariantError(`${row.refund_ref}: method ${method} cannot be paid`);
    const account = parseHkAccount(row.payee_account);
    if (!account) {
      throw new UsageError(`${row.refund_ref} (${row.participant_id} ${row.instruction_ref}): payee account "${row.payee_account}" is not a Hong Kong account NNN-NNN-N (bank, branch, 6-12 digits); correct the participant registry and allocate again, or pay it by hand`);
    }
    const block = this.blockFor(valueDate, row.currency);
    block.refunds += 1;
    block.cents += cents;
    if (method === 'DIRECT_CREDIT' && p.batch_by === 'participant') {
      const batch = this.batchFor(row, valueDate, account);
      batch.refunds += 1;
      batch.cents += cents;
      return {
        advice: remittanceAdviceRecord(row, this.idx, { e2e: batch.end_to_end_id, method, amount, valueDate, msgId: block.msg_id }),
        events: events + this.event({ ...issued, end_to_end_id: batch.end_to_end_id, cheque_number: '' }),
      };
    }
    block.transactions += 1;
    const tx: CreditTransfer = {
      instr_id: instructionId(p.run, row.refund_ref),
      end_to_end_id: row.refund_ref,
      amount,
      currency: row.currency,
      creditor_name: this.creditorName(row.payee_name, row.refund_ref),
      creditor_account: account,
      remittance: refundRemittance({ stockCode: p.stock_code, issuer: p.issuer }, row),
    };
    return {
      xml: { value_date: valueDate, text: this.template.transaction(tx) },
      advice: remittanceAdviceRecord(row, this.idx, { e2e: row.refund_ref, method, amount, valueDate, msgId: block.msg_id }),
      events: events + this.event({ ...issued, end_to_end_id: row.refund_ref, cheque_number: '' }),
    };
  }

  /** After the last row: the batched credits (per value date, in order of first refund), and the checks of the whole run. */
  finish(): { value_date: string; text: string }[] {
    const p = this.p;
    if (p.only) {
      const missing = [...p.only].filter((r) => !this.found.has(r));
      if (missing.length > 0) throw new UsageError(`not in refunds.csv: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
    }
    for (const seq of p.returning.keys()) if (!this.returnedSeen.has(seq)) throw new InvariantError(`returned refund ${seq} is not in refunds.csv`);
    const out: { value_date: string; text: string }[] = [];
    for (const b of this.batches.values()) {
      const block = this.blocks.get(b.value_date)!;
      block.transactions += 1;
      out.push({
        value_date: b.value_date,
        text: this.template.transaction({
          instr_id: instructionId(p.run, b.participant_id),
          end_to_end_id: b.end_to_end_id,
          amount: formatCents(b.cents),
          currency: b.currency,
          creditor_name: b.name,
          creditor_account: b.account,
          remittance: batchRemittance({ stockCode: p.stock_code, issuer: p.issuer }, b.participant_id, b.refunds, b.end_to_end_id),
        }),
      });
    }
    const issued = [...this.blocks.values()].reduce((n, b) => n + b.refunds, 0) + this.cheques.rows + this.manual.rows;
    if (issued === 0) {
      throw new UsageError(this.skippedIssued.rows > 0
        ? `nothing to pay: all ${this.skippedIssued.rows} automatic refunds of refunds.csv are issued already; to re-issue one the bank returned, give --returned FILE`
        : 'nothing to pay: no refund of refunds.csv is selected');
    }
    return out;
  }

  /** The envelope of the payment file of one value date (transactions go between its two parts). */
  envelope(valueDate: string): [string, string] {
    const b = this.blocks.get(valueDate);
    if (!b) throw new InvariantError(`no payment block for ${valueDate}`);
    const ctrl = formatCents(b.cents);
    const [head, tail] = this.template.envelope(
      { msg_id: b.msg_id, created_at: this.p.created_at, nb_of_txs: b.transactions, ctrl_sum: ctrl, initiating_party: this.p.debtor.name },
      [{ pmt_inf_id: `${b.msg_id}-1`, value_date: valueDate, nb_of_txs: b.transactions, ctrl_sum: ctrl, currency: b.currency, debtor: this.p.debtor }],
    );
    return [head!, tail!];
  }

  private creditorName(name: string, ref: string): string {
    const text = paymentText(name, 140);
    if (text === '') throw new UsageError(`${ref}: the payee has no name to pay`);
    return text;
  }

  private blockFor(valueDate: string, currency: string): DateBlock {
    let b = this.blocks.get(valueDate);
    if (!b) {
      const date = ownCopy(valueDate);
      b = { value_date: date, msg_id: messageId(this.p.stock_code, date, this.p.run), currency: ownCopy(currency), transactions: 0, refunds: 0, cents: 0n };
      this.blocks.set(valueDate, b);
    }
    if (b.currency !== currency) throw new InvariantError(`value date ${valueDate} has refunds in ${b.currency} and ${currency}`);
    return b;
  }

  private batchFor(row: LedgerRefund, valueDate: string, account: HkAccount): Batch {
    const key = `${valueDate}/${row.participant_id}`;
    let b = this.batches.get(key);
    if (!b) {
      // Kept until the end of the run: copies, not slices of the chunk of refunds.csv they were read from.
      const participant = ownCopy(row.participant_id);
      b = {
        value_date: ownCopy(valueDate), participant_id: participant, name: ownCopy(this.creditorName(row.payee_name, row.refund_ref)),
        account: { bank_code: ownCopy(account.bank_code), branch_code: ownCopy(account.branch_code), account_number: ownCopy(account.account_number) },
        currency: ownCopy(row.currency), end_to_end_id: batchEndToEndId(this.p.stock_code, this.p.run, participant), refunds: 0, cents: 0n,
      };
      this.batches.set(key, b);
    }
    if (b.account.bank_code + b.account.branch_code + b.account.account_number !== account.bank_code + account.branch_code + account.account_number) {
      throw new InvariantError(`${row.refund_ref}: participant ${row.participant_id} has two designated accounts in refunds.csv`);
    }
    return b;
  }

  private nextCheque(ref: string): string {
    const c = this.p.cheques;
    if (!c || this.chequeNext === null) throw new UsageError(`${ref} is paid by cheque: give the first cheque number (--cheque-start)`);
    const number = this.chequeNext.toString().padStart(c.first.length, '0');
    if (c.last !== null && this.chequeNext > BigInt(c.last)) throw new UsageError(`cheque numbers ${c.first}-${c.last} run out at ${ref}: this run needs more cheques`);
    this.chequeNext += 1n;
    if (this.cheques.first === '') this.cheques.first = number;
    this.cheques.last = number;
    return number;
  }
}
