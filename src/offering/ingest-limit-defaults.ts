/**
 * The ingest limits' shape and defaults (ingest-limits.ts has the offering's schema and the
 * resolution): apart, so that the parser, in a judging thread, does not load the schema library.
 */
export interface IngestLimits {
  /** Largest file, in bytes. @defaultValue 536870912 (512 MiB, about 2.5 million D records) */
  max_file_bytes: number;
  /** Longest line, in bytes, without its line end. @defaultValue 16384 */
  max_line_bytes: number;
  /** Longest field, in UTF-8 bytes of its value (quotes removed). @defaultValue 2048 */
  max_field_bytes: number;
  /** Most records (non-blank lines: H, D, T or anything else) in one file. @defaultValue 2000000 */
  max_records: number;
}

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = Object.freeze({
  max_file_bytes: 512 * 1024 * 1024,
  max_line_bytes: 16 * 1024,
  max_field_bytes: 2 * 1024,
  max_records: 2_000_000,
});
