/**
 * A D record as the parser yields it (parse-file.ts): its 12 fields by name, or, for a line with
 * another number of fields, the fields it has (FIELD_COUNT). Lines are checked to be well-formed
 * CSV first (csv-line.ts), so every D line yields exactly one event, in line order.
 *
 * (Until issue 9 the D lines went through a csv-parse stream here; a well-formed line is now split
 * directly, giving the same fields: test/unit/ingest/csv-line.test.ts holds the two equal.)
 */
import type { DetailFields } from './record-layout';

export type DetailEvent =
  | { kind: 'detail'; line: number; fields: DetailFields }
  | { kind: 'detail-field-count'; line: number; fields: string[] };
