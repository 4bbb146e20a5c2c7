/**
 * The last line of a file, read from its end (a few KiB, never the whole file): how the watcher
 * tells a complete instruction file (its last record is the trailer, the end marker) from one
 * still being written, without reading it all on every scan.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';

/** Bytes read from the end; a trailer line is far shorter. */
const TAIL_BYTES = 4096;

/** The last non-blank line (without its line end), or null for an empty or unreadable file. */
export async function readLastLine(file: string): Promise<string | null> {
  let handle: fs.FileHandle;
  try {
    // Never through a symbolic link, never waiting on a FIFO (io/inbox-entry.ts).
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return null;
    const { size } = st;
    const length = Math.min(size, TAIL_BYTES);
    if (length === 0) return null;
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('latin1').split(/\r?\n/);
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i]!;
      if (!/^[ \t\r]*$/.test(line)) return i === 0 && length < size ? null : line;
    }
    return null;
  } finally {
    await handle.close();
  }
}
