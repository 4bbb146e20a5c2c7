/**
 * `pay`: the refund payment run (docs/treasury.md). A thin shell over pipeline/pay.ts: reads and
 * checks the options (exit code 2, nothing written, when one is unusable), reads the clock once
 * for the payment file's creation time unless --created-at gives it, prints what was written.
 */
import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { UsageError } from '../../domain/errors';
import { parseIsoDateTime } from '../../ingest/iso-date-time';
import { readReferenceList } from '../../io/reference-lists';
import type { PayReport } from '../../pipeline/pay';
import { BIC } from '../../treasury/hk-account';
import { creationDateTime, paymentText } from '../../treasury/payment-ids';
import { describePaymentRun } from '../../treasury/payment-run-report';
import { withWorkFolder } from '../../pipeline/book';
import { actorOf } from './allocate';

interface PayOpts {
  work: string;
  out?: string;
  debtorAccount?: string;
  debtorName?: string;
  debtorAgent?: string;
  batchBy: string;
  chequeStart?: string;
  chequeEnd?: string;
  createdAt?: string;
  valueDate?: string;
  returned?: string;
  refs?: string;
  resume?: boolean;
}

const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required (or --resume)`);
  return value;
}

function createdAt(text: string | undefined): string {
  if (text === undefined) return creationDateTime(Math.floor(Date.now() / 1000));
  const at = parseIsoDateTime(text);
  if (at === null) throw new UsageError(`--created-at "${text}" is not an ISO 8601 date-time such as 2021-12-28T17:30:00+08:00`);
  return creationDateTime(at);
}

function valueDate(text: string | undefined): string | null {
  if (text === undefined) return null;
  if (!DATE.test(text) || parseIsoDateTime(`${text}T00:00`) === null) throw new UsageError(`--value-date "${text}" is not a date YYYY-MM-DD`);
  return text;
}

function cheques(start: string | undefined, end: string | undefined): { first: string; last: string | null } | null {
  if (start === undefined) {
    if (end !== undefined) throw new UsageError('--cheque-end needs --cheque-start');
    return null;
  }
  if (!/^[0-9]{1,18}$/.test(start)) throw new UsageError(`--cheque-start "${start}" is not a cheque number (digits)`);
  if (end !== undefined && (!/^[0-9]{1,18}$/.test(end) || BigInt(end) < BigInt(start))) throw new UsageError(`--cheque-end "${end}" is not a cheque number at or after ${start}`);
  return { first: start, last: end ?? null };
}

function debtorName(text: string): string {
  const name = paymentText(text, 141);
  if (name === '' || Array.from(name).length > 140) throw new UsageError('--debtor-name must be 1 to 140 characters');
  return name;
}

export function registerPay(program: Command, io: CliIo): void {
  program
    .command('pay')
    .description('pay the refunds of a final allocation: an ISO 20022 pain.001.001.09 payment file, a cheque register, a manual list and a remittance advice; never a refund twice')
    .requiredOption('--work <dir>', 'work folder of the allocation (allocation/ in; treasury/ holds the issuance ledger)')
    .option('--out <dir>', 'output folder for this run\'s files (a new one per run)')
    .option('--debtor-account <account>', 'the refund account paid from, NNN-NNN-N... (bank code, branch, account number)')
    .option('--debtor-name <name>', 'the account holder\'s name (the registrar), as the bank knows it')
    .option('--debtor-agent <bic>', 'BIC of the debtor\'s bank (the bank code is always given from the account)')
    .option('--batch-by <how>', 'instruction: one credit per refund; participant: one credit per CCASS participant and value date', 'instruction')
    .option('--cheque-start <number>', 'first cheque number of this run (digits; leading zeros kept)')
    .option('--cheque-end <number>', 'last cheque number available; the run stops if it needs more')
    .option('--created-at <datetime>', 'the payment file\'s creation time (default: now); give it to reproduce a file byte for byte')
    .option('--value-date <date>', 'value date for every refund of this run instead of refunds.csv\'s (a re-issue after the dispatch date)')
    .option('--returned <file>', 'CSV with a refund_ref column (and optionally reason): refunds the bank returned, to be issued again')
    .option('--refs <file>', 'CSV with a refund_ref column: pay only these refunds')
    .option('--resume', 'finish a payment run that was recorded as issued but interrupted before all its files were written')
    .option('--operator <name>', 'who runs it (the work folder is held while it runs; default: the OS user)')
    .action(async (opts: PayOpts & { operator?: string }) => {
      // The work folder is held like any writing command's: no payment run beside an allocation
      // being replaced, nor two payment runs at once.
      const result = await withWorkFolder(opts.work, actorOf('pay', opts), false, () => payRun(opts));
      io.stdout(describePaymentRun(result.report, result.out).join('\n') + '\n');
    });
}

async function payRun(opts: PayOpts): Promise<PayReport> {
  // Loaded when the command runs: the other commands start without xmlbuilder2.
  const { payRefunds, resumePayment } = await import('../../pipeline/pay');
  let result: PayReport;
  if (opts.resume) {
    const extra = (['out', 'debtorAccount', 'debtorName', 'debtorAgent', 'chequeStart', 'chequeEnd', 'createdAt', 'valueDate', 'returned', 'refs'] as const).filter((k) => opts[k] !== undefined);
    if (extra.length > 0) throw new UsageError('--resume takes only --work: the run is finished with the options it was recorded with');
    result = await resumePayment(opts.work);
  } else {
    if (opts.batchBy !== 'instruction' && opts.batchBy !== 'participant') throw new UsageError(`--batch-by "${opts.batchBy}" must be instruction or participant`);
    if (opts.debtorAgent !== undefined && !BIC.test(opts.debtorAgent)) throw new UsageError(`--debtor-agent "${opts.debtorAgent}" is not a BIC (8 or 11 letters and digits)`);
    result = await payRefunds({
      work: opts.work,
      out: required(opts.out, '--out'),
      debtorAccount: required(opts.debtorAccount, '--debtor-account'),
      debtorName: debtorName(required(opts.debtorName, '--debtor-name')),
      debtorBic: opts.debtorAgent ?? null,
      batchBy: opts.batchBy,
      createdAt: createdAt(opts.createdAt),
      valueDate: valueDate(opts.valueDate),
      cheques: cheques(opts.chequeStart, opts.chequeEnd),
      only: opts.refs ? readReferenceList(opts.refs, '--refs').map((r) => r.id) : null,
      returned: opts.returned ? readReferenceList(opts.returned, '--returned') : null,
    });
  }
  return result;
}
