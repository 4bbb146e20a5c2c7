/**
 * Bytes to numbered lines (spec: instruction-file.md, "Encoding": each line is one record, LF or
 * CRLF, a leading byte-order mark tolerated). Memory is bounded by the longest line, not the file,
 * and the work is linear in the bytes read.
 *
 * Bytes are split on LF before decoding: 0x0A never occurs inside a UTF-8 multi-byte sequence, so
 * a chunk boundary inside a character or between CR and LF needs no special care. The complete
 * lines of each chunk are checked in one call (isUtf8) and then decoded line by line (V8 decodes a
 * chunk that mixes ASCII lines and lines with Chinese names about twice as slowly whole, and the
 * parser reads short strings faster than slices of a long one); only when the check fails are they
 * decoded by a fatal TextDecoder one by one to find the first line that is not UTF-8. After that
 * line every further line is decoded leniently (flagged `utf8: false`) so the caller can still see
 * whether a trailer came.
 *
 * A line that has not ended yet is kept as a list of chunks and joined once, when its LF comes
 * (joining at every chunk would be quadratic in the line's length). With `maxLineBytes`, reading
 * stops at the first line longer than that: its number goes to `limit.lineTooLong` and nothing
 * of it is decoded, so a file of 100 MB without a line end costs one chunk beyond the limit.
 */
import { isUtf8 } from 'node:buffer';

export interface TextLine {
  /** 1-based line number in the file. */
  line: number;
  /** The line without its line end (and without a leading BOM on line 1). */
  text: string;
  /** False for the first line that is not valid UTF-8 and every line after it. */
  utf8: boolean;
}

export interface LineReaderLimit {
  /** Longest line in bytes (without its line end); reading stops at the first longer one. */
  maxLineBytes: number;
  /** Set by the reader: the number of the first line over the limit (the reader then stops). */
  lineTooLong: number | null;
}

const LF = 0x0a;

/** The bytes of a file, as read: from a stream, or chunk by chunk from a descriptor. */
export type ByteChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

function join(pieces: readonly Uint8Array[], total: number): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** UTF-8 bytes of a string (for the rare line long enough to be near the limit). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** Line by line (convenience over readLineBatches). */
export async function* readLines(chunks: ByteChunks, limit?: LineReaderLimit): AsyncGenerator<TextLine> {
  for await (const batch of readLineBatches(chunks, limit)) yield* batch;
}

/** The complete lines of each chunk as one batch (one await per chunk, not per line). */
export async function* readLineBatches(chunks: ByteChunks, limit?: LineReaderLimit): AsyncGenerator<TextLine[]> {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  const maxBytes = limit?.maxLineBytes ?? Infinity;
  /** The line not ended yet: its chunks and their total length. */
  let pieces: Uint8Array[] = [];
  let pending = 0;
  let lineNo = 0;
  let utf8 = true;
  let stopped = false;

  const finish = (text: string, ok: boolean): TextLine => {
    lineNo += 1;
    let t = text;
    if (lineNo === 1 && t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    if (t.charCodeAt(t.length - 1) === 0x0d) t = t.slice(0, -1);
    return { line: lineNo, text: t, utf8: ok };
  };
  const tooLong = () => {
    stopped = true;
    if (limit) limit.lineTooLong = lineNo + 1;
  };

  /** Decodes bytes that end just before an LF (or at the end of the file) into whole lines. */
  function decodeLines(bytes: Uint8Array, out: TextLine[]): void {
    if (utf8 && isUtf8(bytes)) {
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let start = 0;
      while (start <= buf.length) {
        let end = buf.indexOf(LF, start);
        if (end < 0) end = buf.length;
        if (end - start > maxBytes) return tooLong();
        out.push(finish(buf.toString('utf8', start, end), true));
        start = end + 1;
      }
      return;
    }
    let start = 0;
    while (start <= bytes.length) {
      let end = bytes.indexOf(LF, start);
      if (end < 0) end = bytes.length;
      if (end - start > maxBytes) return tooLong();
      const piece = bytes.subarray(start, end);
      if (utf8) {
        try {
          out.push(finish(strict.decode(piece), true));
        } catch {
          utf8 = false;
          out.push(finish(lenient.decode(piece), false));
        }
      } else {
        out.push(finish(lenient.decode(piece), false));
      }
      start = end + 1;
    }
  }

  for await (const chunk of chunks) {
    const last = chunk.lastIndexOf(LF);
    if (last < 0) {
      if (pending + chunk.length > maxBytes) {
        tooLong();
        return;
      }
      pieces.push(chunk);
      pending += chunk.length;
      continue;
    }
    if (pending > 0 && pending + chunk.indexOf(LF) > maxBytes) {
      tooLong();
      return;
    }
    pieces.push(chunk.subarray(0, last));
    const complete = join(pieces, pending + last);
    const rest = chunk.slice(last + 1);
    pieces = rest.length > 0 ? [rest] : [];
    pending = rest.length;
    const batch: TextLine[] = [];
    decodeLines(complete, batch);
    if (batch.length > 0) yield batch;
    if (stopped) return;
    if (pending > maxBytes) {
      tooLong();
      return;
    }
  }
  // The last line has no line end (or the file ended with one: then there is nothing left).
  if (pending > 0) {
    const batch: TextLine[] = [];
    decodeLines(join(pieces, pending), batch);
    if (batch.length > 0) yield batch;
  }
}
