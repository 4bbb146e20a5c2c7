/**
 * Ingest limits (docs/limits.md): how large a dropped file, a line and a field may be and how many
 * records a file may hold. They live in the offering file (`ingest_limits`, every key optional) so
 * that the limits a book was acknowledged under are kept with the book's configuration, and the
 * same offering file and inbox give the same acknowledgements on any machine.
 *
 * The defaults are far above anything a well-formed file can reach (the longest legal D record is
 * about 1.5 KB, the longest legal field the 200-character name, at most 800 bytes) and low enough
 * that every breach is found in bounded memory: a line is never held beyond `max_line_bytes`.
 */
import { z } from 'zod';
import { DEFAULT_INGEST_LIMITS, IngestLimits } from './ingest-limit-defaults';

export type { IngestLimits } from './ingest-limit-defaults';
export { DEFAULT_INGEST_LIMITS } from './ingest-limit-defaults';

const positive = (what: string, max: number) =>
  z.number({ error: `ingest_limits.${what} must be a whole number` })
    .int(`ingest_limits.${what} must be a whole number`)
    .positive(`ingest_limits.${what} must be more than zero`)
    .max(max, `ingest_limits.${what} must be at most ${max}`);

/** The offering's `ingest_limits` section; a key left out takes its default. */
export const ingestLimitsSchema = z.strictObject({
  max_file_bytes: positive('max_file_bytes', Number.MAX_SAFE_INTEGER).optional(),
  // A line is held in memory whole: 256 MiB is the most that can be asked for.
  max_line_bytes: positive('max_line_bytes', 256 * 1024 * 1024).optional(),
  max_field_bytes: positive('max_field_bytes', 256 * 1024 * 1024).optional(),
  max_records: positive('max_records', Number.MAX_SAFE_INTEGER).optional(),
}, { error: (i) => (i.code === 'unrecognized_keys' ? `ingest_limits has unknown keys ${i.keys.join(', ')} (known: max_file_bytes, max_line_bytes, max_field_bytes, max_records)` : undefined) });

export type IngestLimitsConfig = z.infer<typeof ingestLimitsSchema>;

/** The limits in force: the configured ones over the defaults. */
export function resolveIngestLimits(config: IngestLimitsConfig | undefined): IngestLimits {
  const out: IngestLimits = { ...DEFAULT_INGEST_LIMITS };
  if (config) for (const key of Object.keys(out) as (keyof IngestLimits)[]) if (config[key] !== undefined) out[key] = config[key];
  return out;
}
