/**
 * Lists of refund references treasury hands to `pay` (docs/treasury.md): `--refs FILE` (pay only
 * these) and `--returned FILE` (the bank's returns). A CSV with a header row naming a
 * `refund_ref` column (other columns ignored, except `reason` in a returns list); UTF-8, a BOM
 * and CRLF tolerated. Small files, read whole.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UsageError } from '../domain/errors';

export interface ListedReference {
  id: string;
  reason: string;
}

export function readReferenceList(file: string, option: string): ListedReference[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(file), { bom: true, columns: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as Record<string, string>[];
  } catch (e) {
    throw new UsageError(`${option} ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0]})`);
  }
  if (rows.length === 0) throw new UsageError(`${option} ${file}: no refund references (a header row with a refund_ref column, then one reference a row)`);
  if (!('refund_ref' in rows[0]!)) throw new UsageError(`${option} ${file}: the header has no refund_ref column`);
  return rows.map((r, i) => {
    const id = r.refund_ref ?? '';
    if (id === '') throw new UsageError(`${option} ${file} line ${i + 2}: refund_ref is empty`);
    return { id, reason: r.reason ?? '' };
  });
}
