/**
 * What ingest reports per file and per run, and the one-line wording of each (stderr progress).
 */
import type { IgnoredEntry } from '../io/inbox';

export type FileOutcome = 'ACCEPTED' | 'FILE_REJECTED' | 'DUPLICATE_FILE' | 'INCOMPLETE';

export interface FileReport {
  /** The inbox folder (participant_id as dropped). */
  folder: string;
  file_name: string;
  outcome: FileOutcome;
  /** The file-level reason (FILE_REJECTED, DUPLICATE_FILE), else null. */
  reason_code: string | null;
  /** D records read (of an accepted file: stored). */
  records: number;
  accepted: number;
  rejected: number;
  sha256: string | null;
  /** Path of the acknowledgement written, null for an incomplete file. */
  ack_path: string | null;
  /** Where the file was moved (processed/ or quarantine/), null when left in the inbox. */
  moved_to: string | null;
  /** Finished from the store after an interrupted run. */
  recovered: boolean;
}

export interface IngestReport {
  files: FileReport[];
  ignored: IgnoredEntry[];
  totals: {
    files: number;
    accepted_files: number;
    rejected_files: number;
    duplicate_files: number;
    incomplete_files: number;
    records: number;
    accepted_records: number;
    rejected_records: number;
  };
}

export function formatFileProgress(r: FileReport): string {
  const name = `${r.folder}/${r.file_name}`;
  switch (r.outcome) {
    case 'ACCEPTED':
      return `${name}: ${r.records} records, ${r.accepted} accepted, ${r.rejected} rejected${r.recovered ? ' (finished after an interrupted run)' : ''}`;
    case 'FILE_REJECTED':
      return `${name}: FILE_REJECTED ${r.reason_code}`;
    case 'DUPLICATE_FILE':
      return `${name}: DUPLICATE_FILE (byte-identical to a file already accepted; nothing counted)`;
    case 'INCOMPLETE':
      return `${name}: incomplete (no trailer yet), left in the inbox`;
  }
}

export function formatIgnored(e: IgnoredEntry): string {
  return `${e.entry}: ignored (${e.reason})`;
}

export function formatTotals(report: IngestReport): string {
  const t = report.totals;
  return (
    `ingest: ${t.files} files: ${t.accepted_files} accepted (${t.records} records, ${t.accepted_records} accepted, ${t.rejected_records} rejected), ` +
    `${t.rejected_files} rejected, ${t.duplicate_files} duplicate, ${t.incomplete_files} incomplete; ${report.ignored.length} ignored`
  );
}

export function summarise(files: FileReport[], ignored: IgnoredEntry[]): IngestReport {
  const count = (o: FileOutcome) => files.filter((f) => f.outcome === o).length;
  const accepted = files.filter((f) => f.outcome === 'ACCEPTED');
  return {
    files,
    ignored,
    totals: {
      files: files.length,
      accepted_files: accepted.length,
      rejected_files: count('FILE_REJECTED'),
      duplicate_files: count('DUPLICATE_FILE'),
      incomplete_files: count('INCOMPLETE'),
      records: accepted.reduce((s, f) => s + f.records, 0),
      accepted_records: accepted.reduce((s, f) => s + f.accepted, 0),
      rejected_records: accepted.reduce((s, f) => s + f.rejected, 0),
    },
  };
}
