/**
 * Pass 2's rows for a range of the book (allocation-files.ts): the stored instructions of the
 * range's files read again, each one's rows in results.csv, refunds.csv (R rows), ccass-deposits.csv
 * and certificates.csv rendered as it comes and put in results order (a participant whose refs are
 * not in store order is held and put in order at its last file). The range is whole participants,
 * so two ranges' outputs, one after the other, are the outputs of both.
 *
 * A RowsView carries what rendering needs of the range in typed arrays and plain data, so it can be
 * handed to a worker thread (allocation-rows-worker.ts): the embedded allocation renders the first
 * half of the book on its own thread and the second on another, on two cores.
 */
import type { CompactFile } from '../allocate/compact-book';
import { POOL_OF_CODE } from '../allocate/compact-allocation';
import { CHANNELS, Channel, Participant, StoredInstruction } from '../domain/types';
import { StorageError } from '../domain/errors';
import { joinedLines, ownedBuffer, splitLines } from './hand-over';
import { formatCentsOf } from '../money/cents';
import { certificateRow, hasCertificate } from '../refund/certificates';
import { Cents, CentsSum, REFUND_REASON_OF_CODE, STATUS_OF_CODE } from '../refund/compact-settlement';
import { depositRow, hasDeposit } from '../refund/deposits';
import { CERTIFICATE_COLUMNS, DEPOSIT_COLUMNS } from '../refund/output-columns';
import { RefundTotalsAccumulator, SerializedRefundTotals } from '../refund/refund-totals';
import { formatRefundRef, payee, RefundLedgerContext } from '../refund/refunds';
import { neutraliseCell, neutraliseNumberText } from '../refund/spreadsheet-safe';
import { formatCsvRecord } from '../treasury/csv-record';
import { storeFormatOf, streamStoreLines, StoredFileMeta } from '../io/store';
import { storedFilePaths } from '../io/store-layout';
import { decodeStoredLinesTransient } from '../io/stored-row';

/** The instructions [base, end) of the book, their settlement and allotments, as rendering reads them. */
export interface RowsView {
  base: number;
  end: number;
  /** The committed files holding [base, end), in store order. */
  metas: StoredFileMeta[];
  files: CompactFile[];
  /** Indexed by instruction - base. */
  file: Uint32Array;
  line: Float64Array;
  refs: string[];
  /** Results order over the range: rank - base -> instruction (absolute). */
  order: Uint32Array;
  status: Uint8Array;
  code: Uint16Array;
  codes: string[];
  refund: Float64Array;
  /** Refunds beyond safe integers, by instruction (absolute). */
  bigRefund: Map<number, bigint>;
  refundReason: Uint8Array;
  refundSeq: Uint32Array;
  pool: Uint8Array;
  allotted: Float64Array;
  registry: Map<string, Participant>;
  ctx: RefundLedgerContext;
  collectMin: number | undefined;
}

/**
 * A view as sent to another thread: its refs as one text, joined by LF (a field never holds an LF:
 * the parser splits the file's lines on it), which crosses as one string instead of one a row.
 */
export type SentRowsView = Omit<RowsView, 'refs'> & { refsText: string };

/**
 * The view to send, and the buffers to hand over with it: those of its typed arrays that own the
 * whole of their memory (a copy of the range); any other is cloned, so the sender loses nothing.
 */
export function sentRows(view: RowsView): { sent: SentRowsView; transfer: ArrayBuffer[] } {
  const { refs, ...rest } = view;
  const arrays = [view.file, view.line, view.order, view.status, view.code, view.refund, view.refundReason, view.refundSeq, view.pool, view.allotted];
  const transfer = arrays.map((a) => ownedBuffer(a)).filter((b): b is ArrayBuffer => b !== null);
  return { sent: { ...rest, refsText: joinedLines(refs) }, transfer: [...new Set(transfer)] };
}

/** The view a thread was sent (sentRows). */
export function receivedRows(sent: SentRowsView): RowsView {
  const { refsText, ...rest } = sent;
  const count = sent.end - sent.base;
  return { ...rest, refs: splitLines(refsText, count, (found) => `the rows sent to a thread hold ${found} refs for ${count} instructions`) };
}

export type RowFileName = 'results' | 'refunds' | 'deposits' | 'certificates';

export interface RowsOut {
  /** One row of a file; `shares` counted for the file's control total. */
  put(file: RowFileName, text: string, shares: number): Promise<void> | undefined;
}

/** What a range's rows add up to, in plain data (it crosses threads). */
export interface RowsTotals {
  rows: Record<RowFileName, number>;
  shares: Record<RowFileName, number>;
  ledger: SerializedRefundTotals;
  /** Refunds written per channel, cents as text. */
  written: Record<Channel, string>;
}

function csv<C extends readonly string[]>(columns: C, row: { readonly [K in C[number]]: string }): string {
  const cells: string[] = new Array(columns.length);
  for (let k = 0; k < columns.length; k++) cells[k] = row[columns[k] as C[number]];
  return formatCsvRecord(cells);
}

interface Rows {
  result: string;
  refund: string | null;
  deposit: string | null;
  certificate: string | null;
  allotted: number;
}

/** Renders the range's rows into `out`, in results order; returns what they add up to. */
export async function renderRows(work: string, v: RowsView, out: RowsOut, progress?: (done: number) => void): Promise<RowsTotals> {
  const ledger = new RefundTotalsAccumulator();
  const written = Object.fromEntries(CHANNELS.map((c) => [c, new CentsSum()])) as Record<Channel, CentsSum>;
  const rows: Record<RowFileName, number> = { results: 0, refunds: 0, deposits: 0, certificates: 0 };
  const shares: Record<RowFileName, number> = { results: 0, refunds: 0, deposits: 0, certificates: 0 };
  // Synchronous unless a file asks the writer to wait (a chunk on its way to the disk): no promise a row.
  const put = (file: RowFileName, text: string, n: number): Promise<void> | undefined => {
    rows[file] += 1;
    shares[file] += n;
    return out.put(file, text, n) ?? undefined;
  };
  const at = (i: number) => i - v.base;

  const rowsOf = (i: number, si: StoredInstruction): Rows => {
    const k = at(i);
    const allotted = v.allotted[k]!;
    const reason_code = v.codes[v.code[k]!]!;
    // The cells of resultRow and ledgerRow (refund/results.ts, refunds.ts) in column order, without
    // the row objects (a million of each); the streamed test holds the bytes equal to theirs.
    const result = formatCsvRecord([
      neutraliseCell(si.participant_id), neutraliseCell(si.instruction_ref), si.channel, neutraliseCell(si.applicant_ids.join(';')),
      POOL_OF_CODE[v.pool[k]!] ?? '', neutraliseNumberText(si.shares_text), String(allotted), STATUS_OF_CODE[v.status[k]!]!, reason_code,
    ]);
    let refund: string | null = null;
    const seq = v.refundSeq[k]!;
    const r = v.refund[k]!;
    if (seq > 0 && r !== -1) {
      const cents: Cents = Number.isNaN(r) ? v.bigRefund.get(i)! : r;
      const p = payee(si, v.registry);
      const reason = REFUND_REASON_OF_CODE[v.refundReason[k]!] ?? 'REJECTED';
      refund = formatCsvRecord([
        formatRefundRef(seq), neutraliseCell(si.participant_id), neutraliseCell(si.instruction_ref), si.channel, p.method, neutraliseCell(p.payee_account),
        neutraliseCell(p.payee_name), formatCentsOf(cents), reason, String(si.file_seq), String(si.line), v.ctx.currency, v.ctx.value_date ?? '', reason_code, '', '',
      ]);
      ledger.add(p.method, si.channel, reason, cents);
      written[si.channel].add(cents);
    }
    return {
      result, refund, allotted,
      deposit: hasDeposit(si.channel, allotted) ? csv(DEPOSIT_COLUMNS, depositRow(si, allotted)) : null,
      certificate: hasCertificate(si.channel, allotted) ? csv(CERTIFICATE_COLUMNS, certificateRow(si, allotted, v.collectMin)) : null,
    };
  };
  const putRows = (r: Rows): Promise<void> | undefined => {
    const dues: Promise<void>[] = [];
    const due = (d: Promise<void> | undefined) => void (d && dues.push(d));
    due(put('results', r.result, r.allotted));
    if (r.refund !== null) due(put('refunds', r.refund, 0));
    if (r.deposit !== null) due(put('deposits', r.deposit, r.allotted));
    if (r.certificate !== null) due(put('certificates', r.certificate, r.allotted));
    return dues.length === 0 ? undefined : Promise.all(dues).then(() => undefined);
  };

  // Participant blocks [start, end) in store order; held when not in results order.
  let i = v.base;
  let block: { start: number; end: number; held: (Rows | undefined)[] | null; rank: Uint32Array | null } | null = null;
  const startBlock = (start: number) => {
    const participant = v.files[v.file[at(start)]!]!.participant_id;
    let end = start;
    let inOrder = true;
    while (end < v.end && v.files[v.file[at(end)]!]!.participant_id === participant) {
      if (v.order[at(end)] !== end) inOrder = false;
      end += 1;
    }
    let rank: Uint32Array | null = null;
    if (!inOrder) {
      rank = new Uint32Array(end - start);
      for (let r = start; r < end; r++) rank[v.order[at(r)]! - start] = r - start;
    }
    return { start, end, held: inOrder ? null : new Array<Rows | undefined>(end - start), rank };
  };
  for await (const { meta, lines } of streamStoreLines(work, v.metas)) {
    progress?.(i - v.base);
    // Read without JSON.parse where it can (its strings may be slices of the file's lines: every row
    // rendered here is a new flat string, formatCsvRecord, so a held row keeps no line).
    for (const si of decodeStoredLinesTransient(lines, storeFormatOf(meta), meta, storedFilePaths(work, meta.participant_id, meta.file_sha256).jsonl)) {
      if (i >= v.end || v.refs[at(i)] !== si.instruction_ref || v.line[at(i)] !== si.line) {
        throw new StorageError(`the store changed during the allocation (${meta.participant_id} file_seq ${meta.file_seq} line ${si.line}); nothing was written`);
      }
      if (block === null) block = startBlock(i);
      const r = rowsOf(i, si);
      if (block.held) block.held[block.rank![i - block.start]!] = r;
      else {
        const due = putRows(r);
        if (due) await due;
      }
      i += 1;
      if (i === block.end) {
        if (block.held) {
          for (const h of block.held) {
            const due = putRows(h!);
            if (due) await due;
          }
        }
        block = null;
      }
    }
  }
  if (i !== v.end) throw new StorageError(`the store changed during the allocation (${i - v.base} instructions read of ${v.end - v.base}); nothing was written`);
  return { rows, shares, ledger: ledger.serialize(), written: Object.fromEntries(CHANNELS.map((c) => [c, String(written[c].value())])) as Record<Channel, string> };
}
