/**
 * Plain file descriptors (numbers, not FileHandles), as the ingest's readers and writers keep them
 * to make their small calls synchronously (issue 9).
 */
import { closeSync } from 'node:fs';

/**
 * Closes a descriptor whose fault no longer matters: one only read from, or a file being removed
 * after a fault. Close a number once only: closed twice, it could close a descriptor opened since.
 */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing to lose: the caller is done with it either way.
  }
}
