/**
 * A small table of the few distinct texts of a column (channels, statuses, reason codes,
 * participants, refund methods), so each row stores a number instead of a string. Pure.
 */
export class TextInterner {
  private readonly numbers = new Map<string, number>();
  private readonly texts: string[] = [];

  /** @param limit most distinct texts the column may hold (the width of the array storing the numbers) */
  constructor(private readonly column: string, private readonly limit: number) {}

  /** The text's number, adding it when new. */
  add(text: string): number {
    const found = this.numbers.get(text);
    if (found !== undefined) return found;
    if (this.texts.length >= this.limit) throw new RangeError(`${this.column}: more than ${this.limit} distinct values`);
    // A fresh copy: a text cut out of a parsed file may keep the whole chunk alive.
    const copy = Buffer.from(text, 'utf8').toString('utf8');
    this.numbers.set(copy, this.texts.length);
    this.texts.push(copy);
    return this.texts.length - 1;
  }

  text(n: number): string {
    const t = this.texts[n];
    if (t === undefined) throw new RangeError(`${this.column}: no value ${n}`);
    return t;
  }
}
