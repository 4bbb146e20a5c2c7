/**
 * Bytes to numbered lines (spec: instruction-file.md, "Encoding": each line is one record, LF or
 * CRLF, a leading byte-order mark tolerated). Memory is bounded by the longest line, not the file.
 *
 * Bytes are split on LF before decoding: 0x0A never occurs inside a UTF-8 multi-byte sequence, so
 * a chunk boundary inside a character or between CR and LF needs no special care. The complete
 * lines of each chunk are decoded in one call of a fatal TextDecoder; only when that fails are they
 * decoded one by one to find the first line that is not UTF-8. After that line every further line
 * is decoded leniently (flagged `utf8: false`) so the caller can still see whether a trailer came.
 */

export interface TextLine {
  /** 1-based line number in the file. */
  line: number;
  /** The line without its line end (and without a leading BOM on line 1). */
  text: string;
  /** False for the first line that is not valid UTF-8 and every line after it. */
  utf8: boolean;
}

const LF = 0x0a;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Line by line (convenience over readLineBatches). */
export async function* readLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<TextLine> {
  for await (const batch of readLineBatches(chunks)) yield* batch;
}

/** The complete lines of each chunk as one batch (one await per chunk, not per line). */
export async function* readLineBatches(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<TextLine[]> {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  let carry: Uint8Array = new Uint8Array(0);
  let lineNo = 0;
  let utf8 = true;

  const finish = (text: string, ok: boolean): TextLine => {
    lineNo += 1;
    let t = text;
    if (lineNo === 1 && t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    if (t.charCodeAt(t.length - 1) === 0x0d) t = t.slice(0, -1);
    return { line: lineNo, text: t, utf8: ok };
  };

  /** Decodes bytes that end just before an LF (or at the end of the file) into whole lines. */
  function* decodeLines(bytes: Uint8Array): Generator<TextLine> {
    if (utf8) {
      let text: string | null = null;
      try {
        text = strict.decode(bytes);
      } catch {
        text = null;
      }
      if (text !== null) {
        for (const t of text.split('\n')) yield finish(t, true);
        return;
      }
    }
    let start = 0;
    while (start <= bytes.length) {
      let end = bytes.indexOf(LF, start);
      if (end < 0) end = bytes.length;
      const piece = bytes.subarray(start, end);
      if (utf8) {
        try {
          yield finish(strict.decode(piece), true);
        } catch {
          utf8 = false;
          yield finish(lenient.decode(piece), false);
        }
      } else {
        yield finish(lenient.decode(piece), false);
      }
      start = end + 1;
    }
  }

  for await (const chunk of chunks) {
    const last = chunk.lastIndexOf(LF);
    if (last < 0) {
      carry = concat(carry, chunk);
      continue;
    }
    const complete = concat(carry, chunk.subarray(0, last));
    carry = chunk.slice(last + 1);
    yield [...decodeLines(complete)];
  }
  // The last line has no line end (or the file ended with one: then there is nothing left).
  if (carry.length > 0) yield [...decodeLines(carry)];
}
