/**
 * The end marker of an instruction file (spec: instruction-file.md, "Records"): the trailer T is
 * the last record, so a file whose last non-blank line is a T record is complete as far as its
 * sender is concerned; one that does not end with one may still be being written. Ingest itself
 * decides from the whole file (parse-file.ts, `trailerSeen`); this is the cheap look a watcher
 * takes at a file's last line before it queues the file.
 */
import { firstField } from './csv-line';

export function isTrailerLine(line: string | null): boolean {
  return line !== null && firstField(line) === 'T';
}
