/**
 * Pass 1's reading of stored files into a compact book builder (allocation-files.ts
 * readCompactBook), on the main thread and on the worker thread that reads the second half of the
 * store (compact-book-worker.ts).
 */
import { CompactBookBuilder, CompactInput } from '../allocate/compact-book';
import { storeFormatOf, streamStoreLines, StoredFileMeta } from '../io/store';
import { storedFilePaths } from '../io/store-layout';
import { decodeStoredLines, decodeStoredRow, parseJsonLines } from '../io/stored-row';
import type { StoredInstruction } from '../domain/types';

/** Every instruction of `metas` (whole files, in store order) added to `builder`. */
export async function readStoredFiles(work: string, metas: readonly StoredFileMeta[], builder: CompactBookBuilder, progress?: (done: number) => void): Promise<void> {
  let fileIndex = -1;
  let done = 0;
  for await (const { index, meta, lines } of streamStoreLines(work, metas)) {
    if (index !== fileIndex) {
      fileIndex = builder.addFile({ participant_id: meta.participant_id, channel: meta.channel, file_seq: meta.file_seq });
      progress?.(done);
      done += meta.records;
    }
    const where = storedFilePaths(work, meta.participant_id, meta.file_sha256).jsonl;
    if (storeFormatOf(meta) === 1) {
      for (const si of decodeStoredLines(lines, 1, meta, where)) builder.add(fileIndex, si);
      continue;
    }
    // Format 2 rows read in place (stored-row.ts field order), without building the instruction.
    for (const row of parseJsonLines(lines, where)) builder.add(fileIndex, compactInputOf(row, where));
  }
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

/** A number as it reads back from the store's JSON (no -0, NaN or infinity there: null). */
function asStored(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  return value === 0 ? 0 : value;
}

/**
 * What pass 1 would read of `si` once stored (compactInputOf of its format-2 row, whose texts
 * JSON gives back exactly): the judge builds a file's part of the book from it while it writes
 * the row (judge-file.ts, `run`), so that the allocation need not read the store back.
 */
export function compactInputOfInstruction(si: StoredInstruction): CompactInput {
  return {
    line: asStored(si.line) as number, instruction_ref: si.instruction_ref, applicant_ids: si.applicant_ids, applicant_name: si.applicant_name, shares: asStored(si.shares),
    amount_paid_text: si.amount_paid_text, amount_paid: si.amount_paid, refund_account: si.refund_account,
    status: si.reason_code === null ? 'ACCEPTED' : 'REJECTED', reason_code: si.reason_code,
  };
}
