/**
 * The book the draw runs over, and its fingerprint. The SHA-256 is published in summary.json
 * (spec: outputs.md, summary.json "the SHA-256 of the sorted valid-application set") and feeds the
 * draw (docs/ballot.md), so a different book can never reuse another book's draw.
 */
import { createHash } from 'node:crypto';
import type { Application } from '../domain/types';
import { InvariantError } from '../domain/errors';

/** What the fingerprint covers. */
export type BookEntry = Pick<Application, 'key' | 'channel' | 'shares'>;

/** Orders keys by UTF-16 code unit (for the ASCII keys of the spec, the same as byte order). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy sorted by key; throws InvariantError on a repeated key (the caller's keys are unique). */
export function sortByKey<T extends { key: string }>(items: readonly T[]): T[] {
  const sorted = [...items].sort((x, y) => compareKeys(x.key, y.key));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.key === sorted[i - 1]!.key) throw new InvariantError(`application key ${sorted[i]!.key} appears twice in the book`);
  }
  return sorted;
}

/**
 * The canonical text of the book: one line per valid application, `key,channel,shares` (shares as
 * a plain integer), sorted by key, each line ending in LF (so the empty book is the empty text).
 */
export function canonicalBookText(applications: readonly BookEntry[]): string {
  return sortByKey(applications).map((a) => `${a.key},${a.channel},${a.shares}\n`).join('');
}

/** SHA-256 (lower-case hex) of the UTF-8 bytes of canonicalBookText. */
export function bookSha256(applications: readonly BookEntry[]): string {
  return createHash('sha256').update(canonicalBookText(applications), 'utf8').digest('hex');
}
