/**
 * When the results may be shown: from `results_from` until `results_to` (exclusive) of the
 * offering's after-close timetable, as moved by bad weather (validate/timetable.ts). The clock is
 * an input (epoch seconds): the server reads it, tests give it. Pure.
 *
 * Before the window the site says when the results will be published and shows nothing of them.
 * After it the search is closed (the prospectus gives the search a period, like the registrar's
 * telephone enquiry line), while the announcement's public facts (price, levels, basis) stay on
 * the page, as they stay in the published announcement.
 */
import type { EffectiveAfterClose } from '../validate/timetable';
import { dateText, hongKongDay, hongKongSecondOfDay, parseIsoDateTime } from '../ingest/iso-date-time';

export type PublicationPhase = 'BEFORE' | 'OPEN' | 'CLOSED';

export interface PublicationWindow {
  /** Epoch seconds. */
  from: number;
  /** Epoch seconds, exclusive. */
  to: number;
}

export function publicationWindow(dates: Pick<EffectiveAfterClose, 'results_from' | 'results_to'>): PublicationWindow {
  const from = parseIsoDateTime(dates.results_from);
  const to = parseIsoDateTime(dates.results_to);
  if (from === null || to === null || to <= from) throw new RangeError(`results_from ${dates.results_from} and results_to ${dates.results_to} are not a period`);
  return { from, to };
}

export function publicationPhase(window: PublicationWindow, nowSeconds: number): PublicationPhase {
  if (nowSeconds < window.from) return 'BEFORE';
  return nowSeconds < window.to ? 'OPEN' : 'CLOSED';
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A Hong Kong calendar date in the announcement's words: `2021-12-29` -> `Wednesday, December 29, 2021`. */
export function dateWords(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const day = Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86400000);
  return `${WEEKDAYS[(((day + 4) % 7) + 7) % 7]}, ${MONTHS[Number(m[2]) - 1]} ${Number(m[3])}, ${m[1]}`;
}

/**
 * An instant in the announcement's words, Hong Kong time: `8:00 a.m. on Wednesday, December 29,
 * 2021`, `12:00 noon on ...`, and midnight as the end of the day before (`2022-01-05T00:00` is
 * `12:00 midnight on Tuesday, January 4, 2022`, as the prospectus writes the end of a period).
 */
export function instantWords(epochSeconds: number): string {
  const s = hongKongSecondOfDay(epochSeconds);
  const day = hongKongDay(epochSeconds);
  const hour = Math.floor(s / 3600);
  const minute = String(Math.floor(s / 60) % 60).padStart(2, '0');
  if (s === 0) return `12:00 midnight on ${dateWords(dateText(day - 1))}`;
  if (s === 12 * 3600) return `12:00 noon on ${dateWords(dateText(day))}`;
  const clock = `${hour % 12 === 0 ? 12 : hour % 12}:${minute} ${hour < 12 ? 'a.m.' : 'p.m.'}`;
  return `${clock} on ${dateWords(dateText(day))}`;
}
