/**
 * manifest.json: per output file its name, row count, SHA-256 and control totals, plus the money
 * totals overall and per channel (spec: outputs.md) and the refund ledger's totals per method,
 * channel and reason (`refunds`, docs/treasury.md). Written last, so a consumer that finds the
 * manifest finds every file it lists, and can check each one's bytes against it.
 */
import { createHash } from 'node:crypto';
import type { MoneyReconciliation } from './reconcile';
import type { RefundTotals } from './refund-totals';

/** One output file's content and the totals a consumer can recompute from it. */
export interface OutputFile {
  name: string;
  content: string;
  /** Data rows (CSV: without the header; JSON: 1). */
  rows: number;
  /** Sums over the file's share and money columns: whole shares as numbers, money as text. */
  control_totals: Record<string, number | string>;
}

export const MANIFEST_NAME = 'manifest.json';

export function sha256Hex(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** A file as the manifest lists it (its bytes already written, or streamed and counted). */
export interface ManifestEntry {
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
  control_totals: Record<string, number | string>;
}

export function manifestEntry(f: OutputFile): ManifestEntry {
  return { name: f.name, rows: f.rows, bytes: Buffer.byteLength(f.content, 'utf8'), sha256: sha256Hex(f.content), control_totals: f.control_totals };
}

export function renderManifest(stockCode: string, files: readonly (OutputFile | ManifestEntry)[], money: MoneyReconciliation, refunds: RefundTotals): string {
  const manifest = {
    stock_code: stockCode,
    files: files.map((f) => {
      const e = 'content' in f ? manifestEntry(f) : f;
      return { name: e.name, rows: e.rows, bytes: e.bytes, sha256: e.sha256, control_totals: e.control_totals };
    }),
    money: { total: money.total, by_channel: money.by_channel },
    refunds,
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}
