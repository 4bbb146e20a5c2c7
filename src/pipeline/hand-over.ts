/**
 * Handing data to another thread cheaply (issue 9): strings that never hold an LF cross as one
 * text, and the memory of a typed array that owns its whole buffer is transferred, not copied.
 */
import { InvariantError } from '../domain/errors';

/** The strings (none holding an LF) as one text, to cross threads as one string. */
export function joinedLines(lines: readonly string[]): string {
  return lines.join('\n');
}

/** The `count` strings of joinedLines back; another number found is an InvariantError (`mismatch` says it). */
export function splitLines(text: string, count: number, mismatch: (found: number) => string): string[] {
  const lines = count === 0 ? [] : text.split('\n');
  if (lines.length !== count) throw new InvariantError(mismatch(lines.length));
  return lines;
}

/**
 * The buffer to transfer with a typed array when the array is the whole of it (up to `slack`
 * bytes more at its end), else null: the array is then cloned, so nothing else loses its memory
 * (a slice of Node's shared pool, say). Not a SharedArrayBuffer, tested by its tag: typed arrays
 * may come from another realm.
 */
export function ownedBuffer(a: ArrayBufferView, slack = 0): ArrayBuffer | null {
  const b = a.buffer;
  const whole = Object.prototype.toString.call(b) === '[object ArrayBuffer]' && a.byteOffset === 0 && b.byteLength - a.byteLength <= slack;
  return whole ? (b as ArrayBuffer) : null;
}
