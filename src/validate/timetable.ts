/**
 * The timetable after the lists close (offering `timetable.after_close`), as it stands once bad
 * weather has been applied. The announcement says the dates of the expected timetable "may be
 * affected" when the lists do not close on the planned last day; the rule this system applies
 * (docs/offering.md) is that every date after the close moves forward by as many business days
 * (not a Saturday, Sunday or public holiday) as the last application day moved, keeping its time
 * of day. Pure: no clock.
 */
import type { AfterCloseDates, Offering } from '../offering/schema';
import { dateText, dayNumber, parseIsoDateTime, HONG_KONG_OFFSET_SECONDS, SECONDS_PER_DAY } from '../ingest/iso-date-time';
import { effectiveLastDay, isBusinessDay } from './windows';

/** The dates after the close, moved by bad weather; the same shape as the offering's. */
export interface EffectiveAfterClose extends AfterCloseDates {
  /** Business days every date moved (0 when the last day did not move). */
  moved_business_days: number;
  /** The last application day after any bad-weather move. */
  last_day: string;
}

function holidaysOf(offering: Offering): Set<number> {
  return new Set(offering.timetable.public_holidays.map(dayNumber));
}

/** Business days from `from` (exclusive) to `to` (inclusive); 0 when to <= from. */
function businessDaysBetween(from: number, to: number, holidays: ReadonlySet<number>): number {
  let n = 0;
  for (let d = from + 1; d <= to; d++) if (isBusinessDay(d, holidays)) n += 1;
  return n;
}

/** The day `n` business days after `day` (a non-business day first rolls to the next business day). */
function addBusinessDays(day: number, n: number, holidays: ReadonlySet<number>): number {
  let d = day;
  for (let left = n; left > 0;) {
    d += 1;
    if (isBusinessDay(d, holidays)) left -= 1;
  }
  return d;
}

function moveDate(date: string, n: number, holidays: ReadonlySet<number>): string {
  return n === 0 ? date : dateText(addBusinessDays(dayNumber(date), n, holidays));
}

/** A local date-time `YYYY-MM-DDTHH:MM[:SS]` moved by n business days, time of day kept. */
function moveDateTime(text: string, n: number, holidays: ReadonlySet<number>): string {
  if (n === 0) return text;
  const at = parseIsoDateTime(text);
  if (at === null) throw new RangeError(`not a date-time: ${text}`);
  const local = at + HONG_KONG_OFFSET_SECONDS;
  const day = Math.floor(local / SECONDS_PER_DAY);
  const time = text.slice(10);
  return `${dateText(addBusinessDays(day, n, holidays))}${time}`;
}

/** The after-close dates as they stand, or null when the offering does not set them. */
export function effectiveAfterClose(offering: Offering): EffectiveAfterClose | null {
  const planned = offering.timetable.after_close;
  if (!planned) return null;
  const holidays = holidaysOf(offering);
  const lastDay = effectiveLastDay(offering);
  const n = businessDaysBetween(dayNumber(offering.timetable.last_day), dayNumber(lastDay), holidays);
  return {
    announcement: moveDate(planned.announcement, n, holidays),
    results_from: moveDateTime(planned.results_from, n, holidays),
    results_to: moveDateTime(planned.results_to, n, holidays),
    refund_dispatch: moveDate(planned.refund_dispatch, n, holidays),
    certificate_dispatch: moveDate(planned.certificate_dispatch, n, holidays),
    listing: moveDate(planned.listing, n, holidays),
    moved_business_days: n,
    last_day: lastDay,
  };
}
