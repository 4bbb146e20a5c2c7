/**
 * Progress of long work on a terminal (ingest, allocate, run, bench): one line on stderr, rewritten
 * in place at most every 200 ms and cleared when the work ends, so the lines a command prints for
 * good stay as they were. Not a terminal (a pipe, a log file, a test): nothing at all.
 */
import type { CliIo } from './cli-io';

export interface Progress {
  /** The current state, e.g. `ingest: 420/1,644 files, 250,000 records, 61,000 records/s`. */
  update(text: string): void;
  /** Prints a line for good (above the progress line). */
  print(line: string): void;
  /** Clears the progress line. */
  end(): void;
}

const EVERY_MS = 200;
const CLEAR = '\r\x1b[2K';

export function progressOn(io: Pick<CliIo, 'stderr' | 'stderrIsTTY'>, now: () => number = Date.now): Progress {
  if (!io.stderrIsTTY) return { update: () => undefined, print: (line) => io.stderr(`${line}\n`), end: () => undefined };
  let shown = '';
  let at = 0;
  const width = () => Math.max(20, (process.stderr.columns ?? 100) - 1);
  return {
    update(text) {
      const t = now();
      if (t - at < EVERY_MS) return;
      at = t;
      shown = text.length > width() ? text.slice(0, width()) : text;
      io.stderr(`${CLEAR}${shown}`);
    },
    print(line) {
      io.stderr(`${shown ? CLEAR : ''}${line}\n${shown}`);
    },
    end() {
      if (shown) io.stderr(CLEAR);
      shown = '';
    },
  };
}

/** `61,000 /s` of `count` things done in `ms` milliseconds. */
export function ratePerSecond(count: number, ms: number): string {
  return `${Math.round(ms > 0 ? (count * 1000) / ms : 0).toLocaleString('en-US')}/s`;
}

/** The allocation's phases as a progress line: `allocate: writing the files, 420,000/1,000,000 instructions`. */
export function allocationProgress(p: Progress): (phase: string, done: number, total: number) => void {
  return (phase, done, total) => p.update(`allocate: ${phase}, ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} instructions`);
}
