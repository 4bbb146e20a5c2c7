/**
 * The allocation in bounded memory (issue 9): two passes over the durable book, never the whole
 * book as objects, never an output file as one string.
 *
 *   pass 1  readCompactBook: every stored instruction, in store order, into the compact book
 *           (allocate/compact-book.ts: typed arrays, ~100 bytes an instruction);
 *   derive  deriveAllocation / deriveLapse, pure: the allocation (allocate/compact-allocation.ts),
 *           the settlement in cents (refund/compact-settlement.ts) and summary.json; parameters the
 *           allocation refuses stop here, before anything is written;
 *   pass 2  writeAllocationFiles: the store read again, each instruction's rows rendered as it
 *           comes and streamed to the output files (io/output-sinks.ts), in results order: within
 *           a participant whose instruction_refs are not in store order, that participant's rows
 *           are held and written in order (the only buffering; see docs/performance.md); the
 *           manual refunds, which head refunds.csv, are written first from pass 1's list.
 *           Each file's rows, size, SHA-256 and control totals are counted as it is written; the
 *           refund ledger's totals are checked against the settlement (to the cent, per channel)
 *           before the manifest is written and anything is renamed into place.
 *
 * The in-memory derivation (refund/output-files.ts buildOutputFiles) gives the same bytes; a test
 * holds the two equal on the golden books and on generated ones.
 */
import { allocateCompact, allocateNothingCompact, CompactAllocation, POOL_OF_CODE } from '../allocate/compact-allocation';
import { CompactBook, CompactBookBuilder, CompactPart, ManualRefundEntry } from '../allocate/compact-book';
import { CHANNELS, Channel, ParticipantRegistry, StoredInstruction } from '../domain/types';
import { ConfigInvalidError, InvariantError, StorageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { renderRows, RowFileName, RowsTotals, RowsView, sentRows } from './allocation-rows';
import { listStoredFiles, StoredFileMeta } from '../io/store';
import { readStoredFiles } from './compact-read';
import type { OutputSink, OutputSinks } from '../io/output-sinks';
import { formatCentsOf } from '../money/cents';
import { certificateRow, hasCertificate } from '../refund/certificates';
import { CentsSum, CompactSettlement, refundCents, REFUND_REASON_OF_CODE, settleCompact, STATUS_OF_CODE } from '../refund/compact-settlement';
import { depositRow, hasDeposit } from '../refund/deposits';
import { MANIFEST_NAME, ManifestEntry, renderManifest, sha256Hex } from '../refund/manifest';
import { BASIS_COLUMNS, CERTIFICATE_COLUMNS, DEPOSIT_COLUMNS, REFUND_COLUMNS, REFUNDS_SUMMARY_COLUMNS, RESULT_COLUMNS, renderCsv } from '../refund/output-columns';
import { OUTPUT_FILE_NAMES } from '../refund/output-files';
import { buildRefundsSummaryRows, RefundTotalsAccumulator } from '../refund/refund-totals';
import { formatManualRef, formatRefundRef, ledgerRow, payee, refundLedgerContext, RefundLedgerContext } from '../refund/refunds';
import { buildBasisRows, resultRow } from '../refund/results';
import { neutraliseCell } from '../refund/spreadsheet-safe';
import { buildSummary, renderSummary, Summary } from '../refund/summary';
import { formatCsvRecord } from '../treasury/csv-record';
import type { AllocationParameters } from './allocation-parameters';
import type { IngestedBook } from './ingested-book';

/** Pass 1's result: the committed files (in store order) and the compact book. */
export interface StoredBook {
  metas: StoredFileMeta[];
  book: CompactBook;
}

/**
 * Where a long allocation is (a progress line on a terminal): the phase, and instructions done of
 * the book's total in the two passes.
 */
export type AllocationProgress = (phase: 'reading the book' | 'drawing and settling' | 'writing the files', done: number, total: number) => void;

/** Below this many instructions pass 1 stays on one thread (a thread's start costs more than it saves). */
const READ_SPLIT_MIN_INSTRUCTIONS = 100_000;

/** The first file of the second half of the store (by records, whole files), read on another thread. */
export function readSplitPoint(metas: readonly StoredFileMeta[]): number {
  const total = metas.reduce((n, m) => n + m.records, 0);
  let done = 0;
  for (let f = 0; f < metas.length; f++) {
    if (done * 2 >= total) return f;
    done += metas[f]!.records;
  }
  return metas.length;
}

/**
 * Pass 1: the compact book of every committed file (each file's bytes checked against its meta).
 * From 100,000 instructions (or with `threads` 1) the second half of the files is read on a worker
 * thread (compact-book-worker.ts) into a part appended after the first: the same book.
 * `ingested`: the parts `run`'s ingest kept, used instead of the store when they are exactly its
 * files (then released).
 */
export async function readCompactBook(work: string, progress?: AllocationProgress, threads?: number, ingested?: IngestedBook): Promise<StoredBook> {
  const metas = await listStoredFiles(work);
  const total = metas.reduce((n, m) => n + m.records, 0);
  // `run`: the book as this process ingested it, when it is exactly the store's (ingested-book.ts).
  const asIngested = ingested?.bookOf(metas) ?? null;
  if (asIngested) {
    progress?.('drawing and settling', total, total);
    return { metas, book: asIngested };
  }
  const builder = new CompactBookBuilder(total);
  const split = (threads ?? (total >= READ_SPLIT_MIN_INSTRUCTIONS ? 1 : 0)) > 0 ? readSplitPoint(metas) : metas.length;
  const other = split < metas.length ? readOnThread(work, metas.slice(split), total) : null;
  try {
    await readStoredFiles(work, metas.slice(0, split), builder, (done) => progress?.('reading the book', done, total));
    if (other) builder.appendPart(await other.done);
  } finally {
    await other?.stop();
  }
  progress?.('drawing and settling', total, total);
  return { metas, book: builder.finish() };
}

/** Reads `metas` on a worker thread into a part of the book. */
function readOnThread(work: string, metas: StoredFileMeta[], announced: number): { done: Promise<CompactPart>; stop: () => Promise<void> } {
  const t = onThread<CompactPart>('compact-book-worker', { work, metas, announced }, 'the thread reading the second half of the book');
  return { done: t.done.then((m) => m.part as CompactPart), stop: t.stop };
}

export interface BookDerivation extends StoredBook {
  allocation: CompactAllocation;
  settlement: CompactSettlement;
  summary: Summary;
  offering: Offering;
  registry: ParticipantRegistry;
  ctx: RefundLedgerContext;
}

/** The participants that are paid a refund by direct credit must be in the registry (refunds.ts). */
function checkPayees(d: Omit<BookDerivation, 'summary'>): void {
  const { book, settlement, registry } = d;
  const seen = new Set<number>();
  for (let i = 0; i < book.count; i++) {
    if (settlement.refundSeq[i] === 0 || seen.has(book.file[i]!)) continue;
    seen.add(book.file[i]!);
    const f = book.files[book.file[i]!]!;
    if (f.channel !== 'WHITE_FORM' && !registry.get(f.participant_id)) {
      throw new ConfigInvalidError(`participants: ${f.participant_id} gave instructions but is not in the participant registry; cannot pay its refunds`);
    }
  }
}

/** Pure: the allocation of the compact book with the given parameters. */
export function deriveAllocation(read: StoredBook, p: AllocationParameters): BookDerivation {
  const allocation = allocateCompact(read.book, {
    offering: p.offering, finalPrice: p.finalPrice, seed: p.seed,
    ...(p.reallocateShares !== null ? { reallocateShares: p.reallocateShares } : {}),
    ...(p.ballotPolicy ? { ballotPolicy: p.ballotPolicy } : {}),
  });
  const settlement = settleCompact(read.book, allocation, { finalPrice: p.finalPrice, fees: p.offering.fees });
  const d = { ...read, allocation, settlement, offering: p.offering, registry: p.registry, ctx: refundLedgerContext(p.offering) };
  checkPayees(d);
  const summary = buildSummary({ offering: p.offering, finalPrice: p.finalPrice, reallocateShares: p.reallocateShares, allocation, counts: settlement.counts, money: settlement.money });
  return { ...d, summary };
}

/** Pure: the lapse of the compact book (nothing allotted, every amount refunded). */
export function deriveLapse(read: StoredBook, p: { offering: Offering; registry: ParticipantRegistry; reason: string }): BookDerivation {
  const allocation = allocateNothingCompact(read.book, p.offering);
  const settlement = settleCompact(read.book, allocation, { finalPrice: null, fees: p.offering.fees });
  const d = { ...read, allocation, settlement, offering: p.offering, registry: p.registry, ctx: refundLedgerContext(p.offering) };
  checkPayees(d);
  const summary = buildSummary({ offering: p.offering, finalPrice: null, reallocateShares: null, allocation, counts: settlement.counts, money: settlement.money, lapse: { reason: p.reason } });
  return { ...d, summary };
}

function csv<C extends readonly string[]>(columns: C, row: { readonly [K in C[number]]: string }): string {
  const cells: string[] = new Array(columns.length);
  for (let k = 0; k < columns.length; k++) cells[k] = row[columns[k] as C[number]];
  return formatCsvRecord(cells);
}

/** The manual refunds' rows, in results order (M00000001...), from pass 1's list. */
function manualRows(d: BookDerivation): { text: string; channel: Channel; reason: string }[] {
  const byIndex = new Map<number, ManualRefundEntry>(d.book.manual.map((m) => [m.index, m]));
  const out: { text: string; channel: Channel; reason: string }[] = [];
  for (let r = 0; r < d.book.count; r++) {
    const i = d.book.order[r]!;
    if (d.settlement.refundSeq[i] === 0 || d.settlement.refund[i] !== -1) continue;
    const m = byIndex.get(i)!;
    const si = { ...m, file_seq: m.file_seq } as unknown as StoredInstruction;
    const refund = { amount: null, refund_reason: REFUND_REASON_OF_CODE[d.settlement.refundReason[i]!]!, reason_code: d.settlement.reasonCode(i) };
    const row = ledgerRow(si, refund, formatManualRef(d.settlement.refundSeq[i]!), payee(si, d.registry), 'MANUAL', d.ctx);
    out.push({ text: csv(REFUND_COLUMNS, row), channel: m.channel, reason: row.reason });
  }
  return out;
}

/**
 * Pass 2: every output file, streamed into `sinks`, the manifest last; returns the manifest's
 * text and every file's SHA-256. On any failure what was written is removed (sinks.abort) and nothing is renamed.
 */
export async function writeAllocationFiles(work: string, d: BookDerivation, sinks: OutputSinks, progress?: AllocationProgress, threads?: number): Promise<WrittenFiles> {
  try {
    return await writeAll(work, d, sinks, progress, threads);
  } catch (e) {
    await sinks.abort();
    throw e;
  }
}

/** The manifest's text and every file's SHA-256 (the manifest's included), in manifest order. */
export interface WrittenFiles {
  manifest: string;
  files: { name: string; sha256: string }[];
}

/** Below this many instructions pass 2 stays on one thread (a thread's start costs more than it saves). */
const SPLIT_MIN_INSTRUCTIONS = 100_000;

/** The participant boundary nearest the middle of the book (the second half goes to another thread). */
export function splitPoint(book: CompactBook): number {
  const half = Math.floor(book.count / 2);
  let best = book.count;
  for (let i = 1; i < book.count; i++) {
    if (book.files[book.file[i]!]!.participant_id === book.files[book.file[i - 1]!]!.participant_id) continue;
    if (Math.abs(i - half) < Math.abs(best - half)) best = i;
    if (i > half) break;
  }
  return best;
}

/** What rendering needs of [base, end); `copy` for another thread (a view would clone the whole buffer). */
function rowsView(d: BookDerivation, base: number, end: number, copy: boolean): RowsView {
  const { book, settlement: s, allocation: a } = d;
  const part = <T extends { slice(b: number, e: number): T; subarray(b: number, e: number): T }>(x: T) => (copy ? x.slice(base, end) : x.subarray(base, end));
  const metas: StoredFileMeta[] = [];
  let first = 0;
  for (const m of d.metas) {
    if (first >= base && first < end) metas.push(m);
    first += m.records;
  }
  const bigRefund = new Map<number, bigint>();
  for (const [i, v] of s.bigRefund) if (i >= base && i < end) bigRefund.set(i, v);
  return {
    base, end, metas, files: book.files, file: part(book.file), line: part(book.line), refs: copy ? book.refs.slice(base, end) : book.refs,
    order: part(book.order), status: part(s.status), code: part(s.code), codes: s.codes, refund: part(s.refund), bigRefund,
    refundReason: part(s.refundReason), refundSeq: part(s.refundSeq), pool: part(a.pool), allotted: part(a.allotted),
    registry: new Map(d.registry), ctx: d.ctx, collectMin: d.offering.certificates.collect_in_person_min_shares,
  };
}

/** How a worker's code is loaded: the compiled file, or (tests run from the TypeScript sources) through the compiler. */
function workerSource(name: string): { script: string; eval: boolean; extra: Record<string, unknown> } {
  const compiled = path.join(__dirname, `${name}.js`);
  if (existsSync(compiled)) return { script: compiled, eval: false, extra: {} };
  const source = path.join(__dirname, `${name}.ts`);
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const ts = require(workerData.typescript);
    require.extensions['.ts'] = (module, filename) => {
      const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
      module._compile(out.outputText, filename);
    };
    require(workerData.source);`;
  return { script: bootstrap, eval: true, extra: { typescript: require.resolve('typescript'), source } };
}

const ERRORS: Record<string, new (m: string) => Error> = { StorageError, InvariantError, ConfigInvalidError };

/**
 * A worker thread running `name` (allocation-rows-worker, compact-book-worker) with `data`; its one
 * message is `{ ok: true, ... }` or the error it stopped on (class name and message), rethrown here.
 */
function onThread<T>(name: string, data: Record<string, unknown>, what: string, transferList: ArrayBuffer[] = []): { done: Promise<Record<string, unknown> & { ok: true } & T>; stop: () => Promise<void> } {
  const src = workerSource(name);
  const worker = new Worker(src.script, { eval: src.eval, workerData: { ...data, ...src.extra }, transferList });
  const done = new Promise<Record<string, unknown> & { ok: true } & T>((resolve, reject) => {
    worker.once('message', (m: (Record<string, unknown> & { ok: true } & T) | { ok: false; name: string; message: string }) => {
      if (m.ok) resolve(m);
      else reject(new (ERRORS[m.name] ?? InvariantError)(m.message));
    });
    worker.once('error', (e) => reject(new InvariantError(`${what} stopped: ${e.message}`)));
    worker.once('exit', (code) => reject(new InvariantError(`${what} stopped (exit code ${code})`)));
  });
  done.catch(() => undefined);
  return { done: done.finally(() => void worker.terminate()), stop: async () => void (await worker.terminate()) };
}

/**
 * Renders [view.base, view.end) on a worker thread into part files under `partsDir`. The view is
 * a copy of the range (rowsView with `copy`), so its typed arrays are handed over rather than
 * cloned, and its refs travel as one text (sentRows): half a million strings cloned one by one
 * held the main thread for about 0.25 s at 1M (issue 9).
 */
function renderOnThread(work: string, view: RowsView, partsDir: string): { done: Promise<{ totals: RowsTotals; parts: Record<RowFileName, string> }>; stop: () => Promise<void> } {
  const { sent, transfer } = sentRows(view);
  return onThread<{ totals: RowsTotals; parts: Record<RowFileName, string> }>('allocation-rows-worker', { work, view: sent, partsDir }, 'the thread writing the second half of the files', transfer);
}

async function writeAll(work: string, d: BookDerivation, sinks: OutputSinks, progress?: AllocationProgress, threads?: number): Promise<WrittenFiles> {
  const { book, settlement, allocation, offering } = d;
  const open = async (name: string, columns: readonly string[]) => {
    const f = { name, sink: await sinks.open(name), rows: 0, shares: 0 };
    const due = f.sink.write(formatCsvRecord(columns));
    if (due) await due;
    return f;
  };
  const files = {
    results: await open('results.csv', RESULT_COLUMNS),
    refunds: await open('refunds.csv', REFUND_COLUMNS),
    deposits: await open('ccass-deposits.csv', DEPOSIT_COLUMNS),
    certificates: await open('certificates.csv', CERTIFICATE_COLUMNS),
  };
  const { results, refunds, deposits, certificates } = files;
  const ledger = new RefundTotalsAccumulator();
  const written = Object.fromEntries(CHANNELS.map((c) => [c, { amount: new CentsSum(), manual: 0 }])) as Record<Channel, { amount: CentsSum; manual: number }>;

  for (const m of manualRows(d)) {
    refunds.rows += 1;
    const due = refunds.sink.write(m.text);
    if (due) await due;
    ledger.add('MANUAL', m.channel, m.reason, null);
    written[m.channel].manual += 1;
  }

  // The second half of the book (whole participants) on another thread, into part files.
  const split = (threads ?? (book.count >= SPLIT_MIN_INSTRUCTIONS ? 1 : 0)) > 0 ? splitPoint(book) : book.count;
  let tmp: string | null = null;
  let other: ReturnType<typeof renderOnThread> | null = null;
  try {
    if (split < book.count) {
      const partsDir = sinks.partsDir ?? (tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'ccass-parts-')));
      other = renderOnThread(work, rowsView(d, split, book.count, true), partsDir);
    }
    const mine = await renderRows(work, rowsView(d, 0, split, false), { put: (file, text) => files[file].sink.write(text) }, (done) => progress?.('writing the files', done, book.count));
    const theirs = other ? await other.done : null;
    for (const t of [mine, ...(theirs ? [theirs.totals] : [])]) {
      for (const name of ['results', 'refunds', 'deposits', 'certificates'] as const) {
        files[name].rows += t.rows[name];
        files[name].shares += t.shares[name];
      }
      ledger.merge(t.ledger);
      for (const c of CHANNELS) written[c].amount.add(BigInt(t.written[c]));
    }
    if (theirs) {
      progress?.('writing the files', split, book.count);
      // The four files at once: each copy waits on its own reads and writes.
      await Promise.all((['results', 'refunds', 'deposits', 'certificates'] as const).map(async (name) => {
        await files[name].sink.append(theirs.parts[name]);
        await fs.rm(theirs.parts[name], { force: true });
      }));
    }
  } finally {
    await other?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }

  // The ledger as written adds up to the refunds settled, overall and per channel.
  const money = settlement.money;
  for (const c of CHANNELS) {
    if (written[c].amount.text() !== money.by_channel[c].amount_refunded) throw new InvariantError(`refunds.csv ${c} adds up to ${written[c].amount.text()}, settled ${money.by_channel[c].amount_refunded}`);
    if (written[c].manual !== money.by_channel[c].manual_refunds) throw new InvariantError(`refunds.csv has ${written[c].manual} MANUAL rows for ${c}, settled ${money.by_channel[c].manual_refunds}`);
  }
  const refundTotals = ledger.totals(d.ctx);
  if (refundTotals.amount !== money.total.amount_refunded) throw new InvariantError(`refunds.csv adds up to ${refundTotals.amount}, settled ${money.total.amount_refunded}`);
  const sharesAllotted = allocation.pools.A.allotted_shares + allocation.pools.B.allotted_shares;
  if (results.shares !== sharesAllotted) throw new InvariantError(`results.csv allots ${results.shares} shares, the allocation ${sharesAllotted}`);

  const entries: ManifestEntry[] = [];
  const finish = async (f: { name: string; sink: OutputSink; rows: number }, control_totals: Record<string, number | string>) => {
    const { sha256, bytes } = await f.sink.finish();
    entries.push({ name: f.name, rows: f.rows, bytes, sha256, control_totals });
  };
  const whole = async (name: string, content: string, rows: number, control_totals: Record<string, number | string>) => {
    const sink = await sinks.open(name);
    const due = sink.write(content);
    if (due) await due;
    const { sha256, bytes } = await sink.finish();
    if (sha256 !== sha256Hex(content)) throw new InvariantError(`${name}: written bytes differ from the content`);
    entries.push({ name, rows, bytes, sha256, control_totals });
  };

  // The four large files' fsyncs at once (the disk takes them together), while the small files are written.
  const large = Promise.allSettled([
    finish(results, { shares_allotted: results.shares }),
    finish(refunds, { amount: refundTotals.amount }),
    finish(deposits, { shares: deposits.shares }),
    finish(certificates, { shares: certificates.shares }),
  ]);
  try {
    const basis = buildBasisRows(allocation.basis, allocation.policy);
    await whole('basis-of-allocation.csv', renderCsv(BASIS_COLUMNS, basis), basis.length, {
      valid_applications: basis.reduce((n, b) => n + Number(b.valid_applications), 0),
      shares_applied: allocation.basis.reduce((n, b) => n + b.shares_applied * b.valid_applications, 0),
    });
    const refundsSummary = buildRefundsSummaryRows(refundTotals, money, neutraliseCell(`${offering.stock_code} ${offering.issuer}`));
    await whole('refunds-summary.csv', renderCsv(REFUNDS_SUMMARY_COLUMNS, refundsSummary), refundsSummary.length, { amount: refundTotals.amount });
    await whole('summary.json', renderSummary(d.summary), 1, {
      shares_allotted: results.shares, amount_paid: money.total.amount_paid, amount_kept: money.total.amount_kept, amount_refunded: money.total.amount_refunded,
    });
  } finally {
    // Never leave a fsync running behind a fault (the caller removes the files).
    for (const r of await large) if (r.status === 'rejected') throw r.reason;
  }
  const order = OUTPUT_FILE_NAMES.filter((n) => n !== MANIFEST_NAME);
  entries.sort((a, b) => order.indexOf(a.name as (typeof order)[number]) - order.indexOf(b.name as (typeof order)[number]));
  const manifest = renderManifest(offering.stock_code, entries, money, refundTotals);
  await whole(MANIFEST_NAME, manifest, 0, {});
  await sinks.commit(OUTPUT_FILE_NAMES);
  return { manifest, files: entries.map((e) => ({ name: e.name, sha256: e.sha256 })) };
}
