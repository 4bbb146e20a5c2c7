/**
 * The fast path for D records: one csv-parse stream per file, fed only D lines, parsing arrays
 * (no `columns` objects, no `info`: both cost more than the parse itself) with no
 * relax_column_count (varying-width parsing is several times slower). The stream is primed with
 * one empty 12-field record so csv-parse expects 12 fields whatever the first D line holds. A D
 * line with another number of fields is skipped by the parser (`skip_records_with_error`, whose
 * error names the parser line) and comes out as a field-count event for that line.
 *
 * Lines are checked to be well-formed CSV before they are fed (csv-line.ts), so every fed line
 * yields exactly one record or one skip, in order: records are matched to fed lines in order,
 * stepping over the skipped ones.
 */
import { parse, Parser } from 'csv-parse';
import { DETAIL_FIELDS, DetailFields } from './record-layout';
import { parseCsvLine } from './csv-line';

export type DetailEvent =
  | { kind: 'detail'; line: number; fields: DetailFields }
  | { kind: 'detail-field-count'; line: number; fields: string[] };

interface Fed {
  line: number;
  text: string;
}

/** Parser line 1 is the priming record. */
const PRIMER = ','.repeat(DETAIL_FIELDS.length - 1) + '\n';

function toFields(values: string[]): DetailFields {
  const f = {} as DetailFields;
  for (let i = 0; i < DETAIL_FIELDS.length; i++) f[DETAIL_FIELDS[i]!] = values[i]!;
  return f;
}

export class DetailStream {
  private readonly parser: Parser;
  private fed: Fed[] = [];
  private fedHead = 0;
  /** Parser line of fed[fedHead]. */
  private nextParserLine = 2;
  private batch: string[] = [];
  private readonly skipped = new Set<number>();
  private primed = false;
  private ended = false;

  constructor() {
    this.parser = parse({ skip_records_with_error: true, record_delimiter: '\n', bom: false });
    this.parser.on('skip', (err: { lines?: number }) => {
      if (err.lines !== undefined) this.skipped.add(err.lines);
    });
    this.parser.on('error', () => undefined);
    this.parser.on('end', () => {
      this.ended = true;
    });
    this.parser.write(PRIMER);
  }

  /** Queues one D line (its text without the line end). */
  push(line: number, text: string): void {
    this.fed.push({ line, text });
    this.batch.push(text);
  }

  get pending(): number {
    return this.batch.length;
  }

  /** Feeds the queued lines and returns the events that are complete, in line order. */
  flush(): DetailEvent[] {
    this.feed();
    return this.drain();
  }

  /** Ends the stream and returns the remaining events. */
  async end(): Promise<DetailEvent[]> {
    this.feed();
    const events = this.drain();
    this.parser.end();
    for (let i = 0; i < 100 && !this.ended; i++) {
      events.push(...this.drain());
      if (!this.ended) await new Promise<void>((r) => setImmediate(r));
    }
    events.push(...this.drain());
    return events;
  }

  private feed(): void {
    if (this.batch.length === 0) return;
    this.parser.write(this.batch.join('\n') + '\n');
    this.batch = [];
  }

  private takeSkipped(events: DetailEvent[]): void {
    while (this.skipped.has(this.nextParserLine)) {
      this.skipped.delete(this.nextParserLine);
      const fed = this.fed[this.fedHead]!;
      events.push({ kind: 'detail-field-count', line: fed.line, fields: parseCsvLine(fed.text) });
      this.advance();
    }
  }

  private advance(): void {
    this.fedHead += 1;
    this.nextParserLine += 1;
  }

  private drain(): DetailEvent[] {
    const events: DetailEvent[] = [];
    let record: string[] | null;
    while ((record = this.parser.read() as string[] | null) !== null) {
      if (!this.primed) {
        this.primed = true;
        continue;
      }
      this.takeSkipped(events);
      const fed = this.fed[this.fedHead]!;
      events.push({ kind: 'detail', line: fed.line, fields: toFields(record) });
      this.advance();
    }
    this.takeSkipped(events);
    if (this.fedHead > 4096) {
      this.fed = this.fed.slice(this.fedHead);
      this.fedHead = 0;
    }
    return events;
  }
}
