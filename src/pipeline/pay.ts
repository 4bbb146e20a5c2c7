/**
 * `pay`: from a final allocation's refunds.csv to the files treasury sends and keeps
 * (docs/treasury.md): `pain001-<value date>.xml`, `cheque-register.csv`, `manual-refunds.csv`,
 * `remittance-advice.csv` and `payment-run.json` in the output folder, and the run's events in
 * the issuance ledger (src/io/treasury-ledger.ts).
 *
 * One streamed pass over refunds.csv: every row goes through the pure PaymentRun and what it
 * returns is appended to temporary files; payment files get their header (which needs the
 * control sums) once the pass is over, around the body written meanwhile. Then the run is
 * recorded in the ledger (from then on its refunds are issued) and the files renamed into place,
 * payment-run.json last. Nothing is recorded or renamed when anything fails before.
 */
import * as path from 'node:path';
import { InvariantError, UsageError } from '../domain/errors';
import { formatHkAccount, parseHkAccount } from '../treasury/hk-account';
import { IssuanceLedger, refSequence } from '../treasury/issuance';
import { indexLedgerHeader, LedgerIndex, readLedgerRow } from '../treasury/ledger-row';
import { BatchBy, PaymentRun, PaymentRunParameters } from '../treasury/payment-run';
import { buildPaymentRunReport, PaymentRunReport, WrittenFile } from '../treasury/payment-run-report';
import { CHEQUE_REGISTER_COLUMNS, CHEQUE_REGISTER_FILE, MANUAL_LIST_FILE, PAYMENT_RUN_FILE, paymentFileName, REMITTANCE_ADVICE_COLUMNS, REMITTANCE_ADVICE_FILE } from '../treasury/treasury-columns';
import { REFUND_COLUMNS } from '../refund/output-columns';
import { readCsvRecords } from '../io/csv-records';
import { StreamedFile } from '../io/streamed-file';
import type { ListedReference } from '../io/reference-lists';
import { completeRun, eventsHeader, listRuns, readRunEvents, readRunJson, recordRun, treasuryDir } from '../io/treasury-ledger';
import { checkPayableAllocation, PayableAllocation } from './payable-allocation';
import { promises as fs } from 'node:fs';

export interface PayOptions {
  work: string;
  out: string;
  debtorName: string;
  debtorAccount: string;
  debtorBic: string | null;
  batchBy: BatchBy;
  createdAt: string;
  valueDate: string | null;
  cheques: { first: string; last: string | null } | null;
  only: string[] | null;
  returned: ListedReference[] | null;
}

/** What params.json keeps: everything a re-derivation of the run needs. */
interface RecordedParams {
  run: number;
  out: string;
  refunds_csv_sha256: string;
  stock_code: string;
  issuer: string;
  created_at: string;
  debtor: { name: string; account: string; bic: string | null };
  batch_by: BatchBy;
  value_date: string | null;
  cheques: { first: string; last: string | null } | null;
  only: string[] | null;
  returning: [string, string][];
}

export interface PayReport {
  out: string;
  report: PaymentRunReport;
}

/** Replays the recorded runs (all but `upTo` and later) into a ledger; resolves batched end-to-end ids. */
async function loadLedger(work: string, runs: number[], endToEndIds: ReadonlySet<string>) {
  const ledger = new IssuanceLedger();
  const underId = new Map<string, { seq: number; run: number }[]>();
  for (const run of runs) {
    for await (const e of readRunEvents(work, run).events) {
      ledger.apply(run, e);
      if (e.event === 'ISSUED' && endToEndIds.has(e.end_to_end_id)) {
        const list = underId.get(e.end_to_end_id) ?? [];
        list.push({ seq: refSequence(e.refund_ref)!.seq, run });
        underId.set(e.end_to_end_id, list);
      }
    }
  }
  return { ledger, underId };
}

/** The bank's returns as R sequence numbers, each outstanding now; UsageError for anything else. */
function resolveReturns(returned: readonly ListedReference[], ledger: IssuanceLedger, underId: Map<string, { seq: number; run: number }[]>): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of returned) {
    const ref = refSequence(r.id);
    if (ref?.kind === 'M') throw new UsageError(`--returned: ${r.id} is a manual refund; it was never paid by this system`);
    const seqs = ref ? [ref.seq] : (underId.get(r.id) ?? []).filter((x) => ledger.issuedRun(x.seq) === x.run).map((x) => x.seq);
    if (seqs.length === 0) throw new UsageError(`--returned: ${r.id} is neither a refund reference nor the end-to-end id of a payment outstanding`);
    for (const seq of seqs) {
      if (ledger.issuedRun(seq) === 0) throw new UsageError(`--returned: ${r.id} is not outstanding (never issued, or returned already)`);
      out.set(seq, r.reason);
    }
  }
  return out;
}

const refText = (seq: number) => `R${String(seq).padStart(8, '0')}`;

function runParameters(rec: RecordedParams): PaymentRunParameters {
  const account = parseHkAccount(rec.debtor.account);
  if (!account) throw new InvariantError(`params.json of run ${rec.run}: debtor account ${rec.debtor.account}`);
  return {
    run: rec.run, stock_code: rec.stock_code, issuer: rec.issuer, created_at: rec.created_at,
    debtor: { name: rec.debtor.name, account, bic: rec.debtor.bic }, batch_by: rec.batch_by, value_date: rec.value_date, cheques: rec.cheques,
    only: rec.only ? new Set(rec.only) : null,
    returning: new Map(rec.returning.map(([ref, note]) => [refSequence(ref)!.seq, note])),
  };
}

interface Outputs {
  events: StreamedFile;
  cheques: StreamedFile;
  advice: StreamedFile;
  manual: StreamedFile;
  bodies: Map<string, StreamedFile>;
  payments: StreamedFile[];
  report: StreamedFile | null;
}

const all = (o: Outputs) => [o.events, o.cheques, o.advice, o.manual, ...o.bodies.values(), ...o.payments, ...(o.report ? [o.report] : [])];

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/** The pass over refunds.csv into temporary files; returns the run's report (nothing renamed yet). */
async function derive(work: string, rec: RecordedParams, alloc: PayableAllocation, ledger: IssuanceLedger, o: Outputs): Promise<PaymentRunReport> {
  const params = runParameters(rec);
  const stream = readCsvRecords(alloc.refundsCsv);
  let run: PaymentRun | null = null;
  let idx: LedgerIndex | null = null;
  for await (const { line, cells } of stream.records) {
    if (!idx) {
      idx = indexLedgerHeader(cells);
      run = new PaymentRun(params, ledger, idx);
      continue;
    }
    const got = run!.accept(readLedgerRow(cells, idx, line));
    if (!got) continue;
    // A write returns a promise only when its chunk is due for the disk: await just those.
    let w = o.events.write(got.events, lineCount(got.events));
    if (w) await w;
    if (got.cheque && (w = o.cheques.write(got.cheque, 1))) await w;
    if (got.advice && (w = o.advice.write(got.advice, 1))) await w;
    if (got.manual && (w = o.manual.write(got.manual, 1))) await w;
    if (got.xml && (w = (await body(o, rec.out, got.xml.value_date)).write(got.xml.text, 1))) await w;
  }
  const read = stream.digest();
  if (read.sha256 !== alloc.refunds.sha256) throw new UsageError(`${alloc.refundsCsv} changed while it was being read: nothing is paid from it`);
  if (!run) throw new InvariantError(`${alloc.refundsCsv} is empty`);
  for (const b of run.finish()) await (await body(o, rec.out, b.value_date)).write(b.text, 1);
  const files: WrittenFile[] = [];
  for (const [date, bodyFile] of [...o.bodies.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await bodyFile.close();
    const [head, tail] = run.envelope(date);
    const file = await StreamedFile.open(rec.out, paymentFileName(date));
    o.payments.push(file);
    await file.write(head);
    await file.append(bodyFile.tmp);
    await file.write(tail);
    file.rows = bodyFile.rows;
    const sha256 = await file.close();
    files.push({ name: paymentFileName(date), rows: file.rows, bytes: file.bytes, sha256 });
    await bodyFile.abort();
  }
  for (const [name, f] of [[CHEQUE_REGISTER_FILE, o.cheques], [REMITTANCE_ADVICE_FILE, o.advice], [MANUAL_LIST_FILE, o.manual]] as const) {
    const sha256 = await f.close();
    files.push({ name, rows: f.rows, bytes: f.bytes, sha256 });
  }
  return buildPaymentRunReport(params, run, ledger, files, {
    refunds_csv_sha256: alloc.refunds.sha256, refunds_csv_rows: alloc.refunds.rows,
    amount_refunded: alloc.money.amount_refunded, manual_refunds: alloc.money.manual_refunds,
  });
}

async function body(o: Outputs, out: string, date: string): Promise<StreamedFile> {
  let f = o.bodies.get(date);
  if (!f) {
    f = await StreamedFile.open(out, `${paymentFileName(date)}.body`);
    // The key outlives the row: a string of its own, not a slice of the chunk it was read from.
    o.bodies.set(Buffer.from(date).toString(), f);
  }
  return f;
}

async function openOutputs(work: string, out: string): Promise<Outputs> {
  const o: Outputs = {
    events: await StreamedFile.open(treasuryDir(work), 'events.csv'),
    cheques: await StreamedFile.open(out, CHEQUE_REGISTER_FILE),
    advice: await StreamedFile.open(out, REMITTANCE_ADVICE_FILE),
    manual: await StreamedFile.open(out, MANUAL_LIST_FILE),
    bodies: new Map(), payments: [], report: null,
  };
  await o.events.write(eventsHeader());
  await o.cheques.write(CHEQUE_REGISTER_COLUMNS.join(',') + '\n');
  await o.advice.write(REMITTANCE_ADVICE_COLUMNS.join(',') + '\n');
  await o.manual.write(REFUND_COLUMNS.join(',') + '\n');
  return o;
}

const exists = (p: string) => fs.access(p).then(() => true, () => false);

/** Removes the folders a failed run created, when they are still empty (nothing written). */
async function removeCreated(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) await fs.rmdir(dir).catch(() => undefined);
}

/** Derives, records (new run) or checks against the record (resume), then renames into place. */
async function execute(work: string, rec: RecordedParams, alloc: PayableAllocation, ledger: IssuanceLedger, recordedEventsSha: string | null): Promise<PayReport> {
  const created: string[] = [];
  for (const dir of [rec.out, treasuryDir(work)]) if (!(await exists(dir))) created.push(dir);
  const o = await openOutputs(work, rec.out);
  let recorded = recordedEventsSha !== null;
  try {
    const report = await derive(work, rec, alloc, ledger, o);
    o.report = await StreamedFile.open(rec.out, PAYMENT_RUN_FILE);
    await o.report.write(JSON.stringify(report, null, 2) + '\n', 1);
    await o.report.close();
    const eventsSha = await o.events.close();
    if (recordedEventsSha === null) {
      await recordRun(work, rec.run, rec, o.events.tmp);
      recorded = true;
    } else {
      if (eventsSha !== recordedEventsSha) throw new InvariantError(`payment run ${rec.run} cannot be re-derived: its events differ from the ledger's (refunds.csv or the ledger changed)`);
      await o.events.abort();
    }
    for (const f of [...o.payments, o.cheques, o.advice, o.manual, o.report]) await f.commit();
    await completeRun(work, rec.run, { files: report.files });
    return { out: rec.out, report };
  } catch (e) {
    await Promise.all(all(o).map((f) => f.abort()));
    if (!recorded) await removeCreated(created);
    if (recorded && !(e instanceof UsageError)) {
      throw Object.assign(e as Error, { message: `${(e as Error).message} (payment run ${rec.run} is recorded as issued: finish it with pay --resume)` });
    }
    throw e;
  }
}

async function refuseUsedOut(out: string): Promise<void> {
  const file = path.join(out, PAYMENT_RUN_FILE);
  if (await exists(file)) throw new UsageError(`${out} already holds a payment run (${PAYMENT_RUN_FILE}); give a new --out folder`);
}

/** A new payment run. */
export async function payRefunds(o: PayOptions): Promise<PayReport> {
  const account = parseHkAccount(o.debtorAccount);
  if (!account) throw new UsageError(`--debtor-account "${o.debtorAccount}" is not a Hong Kong account NNN-NNN-N (bank code, branch, 6-12 digits)`);
  const alloc = await checkPayableAllocation(o.work);
  const runs = await listRuns(o.work);
  const open = runs.find((r) => !r.complete);
  if (open) throw new UsageError(`payment run ${open.run} was interrupted after its refunds were recorded as issued; finish it first: ccass-batch pay --work ${o.work} --resume`);
  for (const r of runs) {
    // Refund references name refunds of one refunds.csv only: a superseded allocation numbers them anew.
    const params = await readRunJson<RecordedParams>(o.work, r.run, 'params.json');
    if (params.refunds_csv_sha256 !== alloc.refunds.sha256) {
      throw new UsageError(`payment run ${r.run} paid from another refunds.csv (SHA-256 ${params.refunds_csv_sha256.slice(0, 12)}...): the allocation changed after refunds were paid; reconcile those payments by hand before paying from this one`);
    }
  }
  const out = path.resolve(o.out);
  await refuseUsedOut(out);
  const ids = new Set((o.returned ?? []).map((r) => r.id).filter((id) => !refSequence(id)));
  const { ledger, underId } = await loadLedger(o.work, runs.map((r) => r.run), ids);
  const returning = resolveReturns(o.returned ?? [], ledger, underId);
  const rec: RecordedParams = {
    run: runs.length + 1, out, refunds_csv_sha256: alloc.refunds.sha256, stock_code: alloc.stock_code, issuer: alloc.issuer,
    created_at: o.createdAt, debtor: { name: o.debtorName, account: formatHkAccount(account), bic: o.debtorBic }, batch_by: o.batchBy,
    value_date: o.valueDate, cheques: o.cheques, only: o.only ? [...new Set(o.only)].sort() : null,
    returning: [...returning.entries()].sort(([a], [b]) => a - b).map(([seq, note]) => [refText(seq), note]),
  };
  return execute(o.work, rec, alloc, ledger, null);
}

/** Finishes a run recorded in the ledger whose files were not all written: the same bytes again. */
export async function resumePayment(work: string): Promise<PayReport> {
  const alloc = await checkPayableAllocation(work);
  const runs = await listRuns(work);
  const open = runs.find((r) => !r.complete);
  if (!open) throw new UsageError('no interrupted payment run to resume');
  const rec = await readRunJson<RecordedParams>(work, open.run, 'params.json');
  if (rec.refunds_csv_sha256 !== alloc.refunds.sha256) throw new UsageError(`payment run ${open.run} was derived from another refunds.csv; it cannot be re-derived`);
  const recorded = readRunEvents(work, open.run);
  for await (const _ of recorded.events) { /* read to the end for the digest */ }
  const { ledger } = await loadLedger(work, runs.filter((r) => r.run < open.run).map((r) => r.run), new Set());
  return execute(work, rec, alloc, ledger, recorded.digest().sha256);
}
