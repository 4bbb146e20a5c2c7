/**
 * payment-run.json: what one payment run wrote and how it ties (docs/treasury.md, "How the totals
 * tie"): its files with their SHA-256, the payment files' transactions and control sums, the
 * cheque register, the manual list, and the issuance ledger after the run set against refunds.csv
 * and summary.json. Checked here before any file is renamed into place: a difference of a cent
 * is a broken invariant.
 */
import { InvariantError } from '../domain/errors';
import { formatCents, parseCents } from '../money/cents';
import { formatThousands } from '../money/money';
import { formatHkAccount } from './hk-account';
import type { IssuanceLedger } from './issuance';
import type { PaymentRun, PaymentRunParameters } from './payment-run';
import { paymentFileName } from './treasury-columns';

export interface WrittenFile {
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface TieTo {
  refunds_csv_sha256: string;
  /** refunds.csv rows as manifest.json lists them. */
  refunds_csv_rows: number;
  /** summary.json money.total. */
  amount_refunded: string;
  manual_refunds: number;
}

const amount = (cents: bigint) => formatCents(cents);

export function buildPaymentRunReport(p: PaymentRunParameters, run: PaymentRun, ledger: IssuanceLedger, files: readonly WrittenFile[], tie: TieTo) {
  const file = run.ledgerFile;
  // refunds.csv as read agrees with the manifest and summary.json it was checked against.
  if (file.automatic.rows + file.manual !== tie.refunds_csv_rows) throw new InvariantError(`refunds.csv: ${file.automatic.rows + file.manual} rows read, manifest.json lists ${tie.refunds_csv_rows}`);
  if (file.automatic.cents !== parseCents(tie.amount_refunded) || file.manual !== tie.manual_refunds) {
    throw new InvariantError(`refunds.csv adds up to ${amount(file.automatic.cents)} (${file.manual} manual); summary.json says ${tie.amount_refunded} (${tie.manual_refunds} manual)`);
  }
  const notYet = { rows: file.automatic.rows - ledger.outstanding.rows, cents: file.automatic.cents - ledger.outstanding.cents };
  if (notYet.rows < 0 || notYet.cents < 0n) throw new InvariantError('the issuance ledger holds more than refunds.csv');
  const blocks = [...run.blocks.values()].sort((a, b) => (a.value_date < b.value_date ? -1 : 1));
  const paid = blocks.reduce((t, b) => ({ rows: t.rows + b.refunds, cents: t.cents + b.cents }), { rows: 0, cents: 0n });
  return {
    run: p.run,
    stock_code: p.stock_code,
    created_at: p.created_at,
    batch_by: p.batch_by,
    value_date_given: p.value_date,
    debtor: { name: p.debtor.name, account: formatHkAccount(p.debtor.account), agent_bic: p.debtor.bic },
    files: files.map((f) => ({ name: f.name, rows: f.rows, bytes: f.bytes, sha256: f.sha256 })),
    payment_files: blocks.map((b) => ({
      name: paymentFileName(b.value_date), msg_id: b.msg_id, value_date: b.value_date, currency: b.currency,
      transactions: b.transactions, refunds: b.refunds, control_sum: amount(b.cents),
    })),
    cheque_register: { cheques: run.cheques.rows, amount: amount(run.cheques.cents), first_cheque: run.cheques.first || null, last_cheque: run.cheques.last || null },
    manual_list: { refunds: run.manual.rows },
    this_run: {
      refunds: paid.rows + run.cheques.rows + run.manual.rows,
      amount: amount(paid.cents + run.cheques.cents),
      returned: { refunds: run.returnedNow.rows, amount: amount(run.returnedNow.cents) },
      already_issued_left_out: { refunds: run.skippedIssued.rows, amount: amount(run.skippedIssued.cents) },
    },
    ledger: {
      refunds_csv: { sha256: tie.refunds_csv_sha256, automatic: { refunds: file.automatic.rows, amount: amount(file.automatic.cents) }, manual: file.manual },
      issued: { refunds: ledger.outstanding.rows, amount: amount(ledger.outstanding.cents) },
      not_yet_issued: { refunds: notYet.rows, amount: amount(notYet.cents) },
      returned_to_date: { refunds: ledger.returned.rows, amount: amount(ledger.returned.cents) },
      manual_listed: ledger.listedRows,
    },
  };
}

export type PaymentRunReport = ReturnType<typeof buildPaymentRunReport>;

const count = (n: number, what: string) => `${formatThousands(n)} ${what}${n === 1 ? '' : 's'}`;

const hk = (text: string) => {
  const [whole, cents] = text.split('.');
  return `HK$${formatThousands(BigInt(whole!))}.${cents}`;
};

/** The lines `pay` prints. */
export function describePaymentRun(r: PaymentRunReport, out: string): string[] {
  const lines = [`payment run ${r.run} of ${r.stock_code}, created ${r.created_at}${r.batch_by === 'participant' ? ', direct credits batched per participant' : ''}`];
  for (const f of r.payment_files) lines.push(`${f.name}: ${count(f.transactions, 'transaction')} for ${count(f.refunds, 'refund')}, ${hk(f.control_sum)}, value date ${f.value_date}`);
  if (r.payment_files.length === 0) lines.push('no payment file: nothing in this run is paid by transfer');
  const c = r.cheque_register;
  lines.push(`cheque register: ${count(c.cheques, 'cheque')}${c.first_cheque ? ` ${c.first_cheque}-${c.last_cheque}` : ''}, ${hk(c.amount)}`);
  lines.push(`manual list: ${count(r.manual_list.refunds, 'refund')} to be paid by hand`);
  if (r.this_run.returned.refunds > 0) lines.push(`returned by the bank and issued again: ${formatThousands(r.this_run.returned.refunds)} (${hk(r.this_run.returned.amount)})`);
  const l = r.ledger;
  lines.push(`ledger: ${formatThousands(l.issued.refunds)} of ${formatThousands(l.refunds_csv.automatic.refunds)} automatic refunds issued (${hk(l.issued.amount)} of ${hk(l.refunds_csv.automatic.amount)}), ${formatThousands(l.not_yet_issued.refunds)} not yet; ${formatThousands(l.manual_listed)} of ${formatThousands(l.refunds_csv.manual)} manual listed`);
  lines.push(`written: ${out}`);
  return lines;
}
