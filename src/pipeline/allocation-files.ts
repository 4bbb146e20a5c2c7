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
import { CompactBook, CompactBookBuilder, CompactInput, ManualRefundEntry } from '../allocate/compact-book';
import { CHANNELS, Channel, ParticipantRegistry, StoredInstruction } from '../domain/types';
import { ConfigInvalidError, InvariantError, StorageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { listStoredFiles, storeFormatOf, streamStoreTexts, StoredFileMeta } from '../io/store';
import { storedFilePaths } from '../io/store-layout';
import { decodeStoredLines, decodeStoredRow, parseJsonLines } from '../io/stored-row';
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

/** Pass 1: the compact book of every committed file (each file's bytes checked against its meta). */
export async function readCompactBook(work: string, progress?: AllocationProgress): Promise<StoredBook> {
  const metas = await listStoredFiles(work);
  const total = metas.reduce((n, m) => n + m.records, 0);
  const builder = new CompactBookBuilder(total);
  let fileIndex = -1;
  let done = 0;
  for await (const { index, meta, text } of streamStoreTexts(work, metas)) {
    if (index !== fileIndex) {
      fileIndex = builder.addFile({ participant_id: meta.participant_id, channel: meta.channel, file_seq: meta.file_seq });
      progress?.('reading the book', done, total);
      done += meta.records;
    }
    const where = storedFilePaths(work, meta.participant_id, meta.file_sha256).jsonl;
    if (storeFormatOf(meta) === 1) {
      for (const si of decodeStoredLines(text, 1, meta, where)) builder.add(fileIndex, si);
      continue;
    }
    // Format 2 rows read in place (stored-row.ts field order), without building the instruction.
    for (const row of parseJsonLines(text, where)) builder.add(fileIndex, compactInputOf(row, where));
  }
  progress?.('drawing and settling', total, total);
  return { metas, book: builder.finish() };
}

function compactInputOf(row: unknown, where: string): CompactInput {
  const r = row as unknown[];
  if (!Array.isArray(r) || r.length !== 14 || typeof r[0] !== 'number' || typeof r[1] !== 'string' || !Array.isArray(r[3]) || !(r[6] === null || typeof r[6] === 'number') ||
    typeof r[7] !== 'string' || !(r[8] === null || typeof r[8] === 'string') || typeof r[4] !== 'string' || typeof r[10] !== 'string' || !(r[12] === null || typeof r[12] === 'string')) {
    // The full check names the fault as the instruction reader does.
    return decodeStoredRow(row, { participant_id: '', channel: 'CLEARING', file_seq: 0, file_sha256: '', file_name: '' }, where);
  }
  return {
    line: r[0] as number, instruction_ref: r[1] as string, applicant_ids: r[3] as string[], applicant_name: r[4] as string, shares: r[6] as number | null,
    amount_paid_text: r[7] as string, amount_paid: r[8] as string | null, refund_account: r[10] as string,
    status: r[12] === null ? 'ACCEPTED' : 'REJECTED', reason_code: r[12] as string | null,
  };
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

/** A stream of rows into one file, counted. */
class RowFile {
  rows = 0;
  shares = 0;
  constructor(readonly name: string, readonly sink: OutputSink) {}
  async put(text: string, shares = 0): Promise<void> {
    this.rows += 1;
    this.shares += shares;
    const due = this.sink.write(text);
    if (due) await due;
  }
}

/** One instruction's rows in the four per-instruction files (null where it has none). */
interface Rows {
  result: string;
  refund: string | null;
  deposit: string | null;
  certificate: string | null;
  allotted: number;
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
export async function writeAllocationFiles(work: string, d: BookDerivation, sinks: OutputSinks, progress?: AllocationProgress): Promise<WrittenFiles> {
  try {
    return await writeAll(work, d, sinks, progress);
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

async function writeAll(work: string, d: BookDerivation, sinks: OutputSinks, progress?: AllocationProgress): Promise<WrittenFiles> {
  const { book, settlement, allocation, offering } = d;
  const collectMin = offering.certificates.collect_in_person_min_shares;
  const open = async (name: string, columns: readonly string[]) => {
    const f = new RowFile(name, await sinks.open(name));
    const due = f.sink.write(formatCsvRecord(columns));
    if (due) await due;
    return f;
  };
  const results = await open('results.csv', RESULT_COLUMNS);
  const refunds = await open('refunds.csv', REFUND_COLUMNS);
  const deposits = await open('ccass-deposits.csv', DEPOSIT_COLUMNS);
  const certificates = await open('certificates.csv', CERTIFICATE_COLUMNS);
  const ledger = new RefundTotalsAccumulator();
  const written = Object.fromEntries(CHANNELS.map((c) => [c, { amount: new CentsSum(), manual: 0 }])) as Record<Channel, { amount: CentsSum; manual: number }>;

  for (const m of manualRows(d)) {
    await refunds.put(m.text);
    ledger.add('MANUAL', m.channel, m.reason, null);
    written[m.channel].manual += 1;
  }

  const rowsOf = (i: number, si: StoredInstruction): Rows => {
    const allotted = allocation.allotted[i]!;
    const status = STATUS_OF_CODE[settlement.status[i]!]!;
    const reason_code = settlement.reasonCode(i);
    const result = csv(RESULT_COLUMNS, resultRow({ instruction: si, pool: POOL_OF_CODE[allocation.pool[i]!]!, shares_allotted: allotted, status, reason_code }));
    let refund: string | null = null;
    const seq = settlement.refundSeq[i]!;
    const cents = refundCents(settlement, i);
    if (seq > 0 && cents !== null) {
      const p = payee(si, d.registry);
      const amount = formatCentsOf(cents);
      const row = ledgerRow(si, { amount, refund_reason: REFUND_REASON_OF_CODE[settlement.refundReason[i]!]!, reason_code }, formatRefundRef(seq), p, p.method, d.ctx);
      refund = csv(REFUND_COLUMNS, row);
      ledger.add(p.method, si.channel, row.reason, cents);
      written[si.channel].amount.add(cents);
    }
    return {
      result, refund, allotted,
      deposit: hasDeposit(si.channel, allotted) ? csv(DEPOSIT_COLUMNS, depositRow(si, allotted)) : null,
      certificate: hasCertificate(si.channel, allotted) ? csv(CERTIFICATE_COLUMNS, certificateRow(si, allotted, collectMin)) : null,
    };
  };
  const put = async (r: Rows) => {
    await results.put(r.result, r.allotted);
    if (r.refund !== null) await refunds.put(r.refund);
    if (r.deposit !== null) await deposits.put(r.deposit, r.allotted);
    if (r.certificate !== null) await certificates.put(r.certificate, r.allotted);
  };

  // Participant blocks of the store: [start, end) in store order; held when not in results order.
  let i = 0;
  let block: { start: number; end: number; held: (Rows | undefined)[] | null; rank: Uint32Array | null } | null = null;
  const startBlock = (start: number) => {
    const participant = book.files[book.file[start]!]!.participant_id;
    let end = start;
    let inOrder = true;
    while (end < book.count && book.files[book.file[end]!]!.participant_id === participant) {
      if (book.order[end] !== end) inOrder = false;
      end += 1;
    }
    let rank: Uint32Array | null = null;
    if (!inOrder) {
      rank = new Uint32Array(end - start);
      for (let r = start; r < end; r++) rank[book.order[r]! - start] = r - start;
    }
    return { start, end, held: inOrder ? null : new Array<Rows | undefined>(end - start), rank };
  };
  const endBlock = async () => {
    if (block?.held) for (const r of block.held) await put(r!);
    block = null;
  };
  for await (const { meta, text } of streamStoreTexts(work, d.metas)) {
    progress?.('writing the files', i, book.count);
    {
      for (const si of decodeStoredLines(text, storeFormatOf(meta), meta, storedFilePaths(work, meta.participant_id, meta.file_sha256).jsonl)) {
        if (i >= book.count || book.refs[i] !== si.instruction_ref || book.line[i] !== si.line) {
          throw new StorageError(`the store changed during the allocation (${meta.participant_id} file_seq ${meta.file_seq} line ${si.line}); nothing was written`);
        }
        if (block === null) block = startBlock(i);
        const rows = rowsOf(i, si);
        if (block.held) block.held[block.rank![i - block.start]!] = rows;
        else await put(rows);
        i += 1;
        if (i === block.end) await endBlock();
      }
    }
  }
  if (i !== book.count) throw new StorageError(`the store changed during the allocation (${i} instructions read, ${book.count} before); nothing was written`);

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
  const finish = async (f: RowFile, control_totals: Record<string, number | string>) => {
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

  await finish(results, { shares_allotted: results.shares });
  const basis = buildBasisRows(allocation.basis, allocation.policy);
  await whole('basis-of-allocation.csv', renderCsv(BASIS_COLUMNS, basis), basis.length, {
    valid_applications: basis.reduce((n, b) => n + Number(b.valid_applications), 0),
    shares_applied: allocation.basis.reduce((n, b) => n + b.shares_applied * b.valid_applications, 0),
  });
  await finish(refunds, { amount: refundTotals.amount });
  const refundsSummary = buildRefundsSummaryRows(refundTotals, money, neutraliseCell(`${offering.stock_code} ${offering.issuer}`));
  await whole('refunds-summary.csv', renderCsv(REFUNDS_SUMMARY_COLUMNS, refundsSummary), refundsSummary.length, { amount: refundTotals.amount });
  await finish(deposits, { shares: deposits.shares });
  await finish(certificates, { shares: certificates.shares });
  await whole('summary.json', renderSummary(d.summary), 1, {
    shares_allotted: results.shares, amount_paid: money.total.amount_paid, amount_kept: money.total.amount_kept, amount_refunded: money.total.amount_refunded,
  });
  const order = OUTPUT_FILE_NAMES.filter((n) => n !== MANIFEST_NAME);
  entries.sort((a, b) => order.indexOf(a.name as (typeof order)[number]) - order.indexOf(b.name as (typeof order)[number]));
  const manifest = renderManifest(offering.stock_code, entries, money, refundTotals);
  await whole(MANIFEST_NAME, manifest, 0, {});
  await sinks.commit(OUTPUT_FILE_NAMES);
  return { manifest, files: entries.map((e) => ({ name: e.name, sha256: e.sha256 })) };
}
