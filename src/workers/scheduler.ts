/**
 * The nightly provisional run's job scheduler: at the offering's `timetable.provisional_run_at`
 * (Hong Kong time, every day), a `provisional` job for the book. Upserted by every watcher at
 * start (one scheduler per book, whatever the number of watchers); removed when the offering has
 * no hour. `--provisional-every MS` replaces the hour by a fixed interval (drills and tests).
 */
import type { Queue, RepeatOptions } from 'bullmq';
import type { Offering } from '../offering/schema';
import { JOB_OPTIONS, provisionalSchedulerId, type BookRef, type ProvisionalJob } from './queues';

export const HONG_KONG_TZ = 'Asia/Hong_Kong';

/** The repeat rule: a cron pattern (seconds minutes hours) in Hong Kong time, or an interval. */
export function provisionalRepeat(offering: Offering, everyMs?: number): Omit<RepeatOptions, 'key'> | null {
  if (everyMs !== undefined) return { every: everyMs };
  const at = offering.timetable.provisional_run_at;
  if (at === undefined) return null;
  const [h, m, s] = at.split(':').map(Number);
  return { pattern: `${s ?? 0} ${m} ${h} * * *`, tz: HONG_KONG_TZ };
}

export async function scheduleProvisional(queue: Queue, book: BookRef, offering: Offering, everyMs?: number): Promise<Omit<RepeatOptions, 'key'> | null> {
  const id = provisionalSchedulerId(book.work);
  const repeat = provisionalRepeat(offering, everyMs);
  if (repeat === null) {
    await queue.removeJobScheduler(id);
    return null;
  }
  const data: ProvisionalJob = { book };
  await queue.upsertJobScheduler(id, repeat, { name: 'provisional', data, opts: { attempts: JOB_OPTIONS.attempts, backoff: JOB_OPTIONS.backoff } });
  return repeat;
}
