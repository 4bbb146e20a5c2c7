/**
 * The book a Redis prefix serves: its work folder, offering file and participant registry, as
 * absolute paths on the storage every machine shares (mounted at the same place everywhere).
 * The first watcher registers it; `close` and `status --redis` read it; every job carries the
 * same paths. One prefix serves one book: a watcher for another work folder is refused.
 *
 * Workers load the offering and the registry once per book and again only when a file changes.
 */
import { promises as fs } from 'node:fs';
import type { Redis } from 'ioredis';
import type { Participant } from '../domain/types';
import { UsageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { loadOfferingFile, loadParticipantsFile } from '../io/config-files';
import { SyncedBookState } from '../pipeline/synced-book-state';
import { ownKey, RedisTarget } from './connection';
import { bookRefSchema, type BookRef } from './queues';

export async function registerBook(redis: Redis, target: RedisTarget, book: BookRef): Promise<void> {
  const key = ownKey(target, 'book');
  await redis.set(key, JSON.stringify(book), 'NX');
  const found = await registeredBook(redis, target);
  if (!found || found.work !== book.work || found.offering !== book.offering || found.participants !== book.participants) {
    throw new UsageError(`Redis prefix "${target.prefix}" serves the book in ${found?.work} (offering ${found?.offering}, participants ${found?.participants}), not this one: one prefix per book (--prefix)`);
  }
}

export async function registeredBook(redis: Redis, target: RedisTarget): Promise<BookRef | null> {
  const text = await redis.get(ownKey(target, 'book'));
  if (text === null) return null;
  const parsed = bookRefSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

export interface LoadedBook {
  offering: Offering;
  registry: Map<string, Participant>;
  /** The cross-file state, synced from the store per participant before each file. */
  state: SyncedBookState;
}

const stamp = async (file: string) => {
  const st = await fs.stat(file).catch(() => null);
  return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : 'missing';
};

export class LoadedBooks {
  private readonly books = new Map<string, { stamp: string; book: LoadedBook }>();

  async open(ref: BookRef): Promise<LoadedBook> {
    const key = JSON.stringify([ref.work, ref.offering, ref.participants]);
    const now = `${await stamp(ref.offering)}/${await stamp(ref.participants)}`;
    const found = this.books.get(key);
    if (found && found.stamp === now) return found.book;
    const book: LoadedBook = {
      offering: loadOfferingFile(ref.offering),
      registry: loadParticipantsFile(ref.participants),
      state: found?.book.state ?? new SyncedBookState(ref.work),
    };
    this.books.set(key, { stamp: now, book });
    return book;
  }
}
