/**
 * The two file-system calls the ingest's writers hand to libuv's thread pool, as promises on plain
 * descriptors (no FileHandle): creating a file and fsyncing it, the two that wait for the file
 * system's journal while other files are fsynced. The tiny calls around them (write, close,
 * rename) are made synchronously by the callers (temp-file.ts, atomic-write.ts).
 */
import { fsync, open } from 'node:fs';

export function openThroughPool(file: string, flags: string | number, mode = 0o666): Promise<number> {
  return new Promise((resolve, reject) => open(file, flags, mode, (e, fd) => (e ? reject(e) : resolve(fd))));
}

export function fsyncThroughPool(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
}
