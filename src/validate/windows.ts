/**
 * Acceptance windows and the bad-weather move of the last day (spec: instruction-file.md,
 * "Acceptance windows"), as pure functions of the offering's timetable. All times are Hong Kong
 * time (UTC+8), compared to the second; both ends of every window are inclusive.
 *
 * - daily channel (CLEARING, CUSTODIAN): first day first_day_from-daily_to; every other business
 *   day before the last day daily_from-daily_to; the (effective) last day last_day_from-last_day_to.
 *   No window on a Saturday, Sunday or public holiday.
 * - continuous channel (INVESTOR, WHITE_FORM): from first_day_from on the first day without a
 *   break until last_day_to on the (effective) last day; WHITE_FORM payment by payment_by then.
 * - bad weather: a T8/T9/T10, BLACK_RAINSTORM or EXTREME_CONDITIONS event [from, to) is in force
 *   in the check period [weather_check_from, weather_check_to] of a day when
 *   from <= day@check_to and to > day@check_from (lowered exactly at 09:00: not in force; hoisted
 *   exactly at 12:00: in force). If so on the last day, the last day moves to the next business day
 *   without such a signal in that period, with the same last-day times. The days before it (the
 *   original last day included) get the normal daily window; continuous channels run on.
 */
import { CHANNELS, Channel } from '../domain/types';
import type { Offering } from '../offering/schema';
import { clockSeconds, dateText, dayNumber, hongKongDay, hongKongInstant, parseIsoDateTime, weekday } from '../ingest/iso-date-time';

export const SEVERE_SIGNALS: ReadonlySet<string> = new Set(['T8', 'T9', 'T10', 'BLACK_RAINSTORM', 'EXTREME_CONDITIONS']);

/** A closed interval of instants (epoch seconds). */
export interface Interval {
  from: number;
  to: number;
}

interface Calendar {
  firstDay: number;
  lastDay: number;
  holidays: ReadonlySet<number>;
  /** Windows already worked out, by day and channel (windowKey; days of the offering only). */
  windows: Map<number, Interval | null>;
}

const calendars = new WeakMap<Offering, Calendar>();

/** A channel's position in CHANNELS: a number key costs less than a text one a million times. */
const CHANNEL_INDEX: ReadonlyMap<Channel, number> = new Map(CHANNELS.map((c, i) => [c, i]));
const windowKey = (channel: Channel, day: number) => day * CHANNELS.length + CHANNEL_INDEX.get(channel)!;

function calendarOf(offering: Offering): Calendar {
  let c = calendars.get(offering);
  if (!c) {
    const t = offering.timetable;
    const holidays = new Set(t.public_holidays.map(dayNumber));
    const firstDay = dayNumber(t.first_day);
    c = { firstDay, holidays, lastDay: computeLastDay(offering, holidays), windows: new Map() };
    calendars.set(offering, c);
  }
  return c;
}

export function isBusinessDay(day: number, holidays: ReadonlySet<number>): boolean {
  const wd = weekday(day);
  return wd !== 0 && wd !== 6 && !holidays.has(day);
}

/** True when a severe signal is in force at some time in the day's weather check period. */
export function isSevereWeatherDay(day: number, offering: Offering): boolean {
  const t = offering.timetable;
  const checkFrom = hongKongInstant(day, clockSeconds(t.weather_check_from));
  const checkTo = hongKongInstant(day, clockSeconds(t.weather_check_to));
  return t.bad_weather.some((e) => {
    if (!SEVERE_SIGNALS.has(e.signal)) return false;
    const from = parseIsoDateTime(e.from);
    const to = parseIsoDateTime(e.to);
    return from !== null && to !== null && from <= checkTo && to > checkFrom;
  });
}

function computeLastDay(offering: Offering, holidays: ReadonlySet<number>): number {
  let day = dayNumber(offering.timetable.last_day);
  // Bounded: a signal cannot be in force on more business days than there are events' days.
  for (let guard = 0; guard < 3660 && isSevereWeatherDay(day, offering); guard++) {
    do day += 1;
    while (!isBusinessDay(day, holidays));
  }
  return day;
}

/** The last application day after any bad-weather move, `YYYY-MM-DD`. */
export function effectiveLastDay(offering: Offering): string {
  return dateText(calendarOf(offering).lastDay);
}

/** The window of a channel on the day of an instant, or null when it is closed all that day. */
function windowOnDay(channel: Channel, day: number, offering: Offering): Interval | null {
  const c = calendarOf(offering);
  if (day < c.firstDay || day > c.lastDay) return null;
  const key = windowKey(channel, day);
  let w = c.windows.get(key);
  if (w === undefined) {
    w = computeWindowOnDay(channel, day, offering, c);
    c.windows.set(key, w);
  }
  return w;
}

function computeWindowOnDay(channel: Channel, day: number, offering: Offering, { firstDay, lastDay, holidays }: Calendar): Interval | null {
  const w = offering.timetable.windows[channel];
  if (w.kind === 'continuous') {
    return {
      from: day === firstDay ? hongKongInstant(day, clockSeconds(w.first_day_from)) : hongKongInstant(day, 0),
      to: day === lastDay ? hongKongInstant(day, clockSeconds(w.last_day_to)) : hongKongInstant(day, 86399),
    };
  }
  if (day === lastDay) {
    const from = day === firstDay ? w.first_day_from : w.last_day_from;
    return { from: hongKongInstant(day, clockSeconds(from)), to: hongKongInstant(day, clockSeconds(w.last_day_to)) };
  }
  if (day === firstDay) return { from: hongKongInstant(day, clockSeconds(w.first_day_from)), to: hongKongInstant(day, clockSeconds(w.daily_to)) };
  if (!isBusinessDay(day, holidays)) return null;
  return { from: hongKongInstant(day, clockSeconds(w.daily_from)), to: hongKongInstant(day, clockSeconds(w.daily_to)) };
}

/** True when the channel takes an instruction input at this instant (epoch seconds). */
export function isWithinWindow(channel: Channel, instant: number, offering: Offering): boolean {
  const w = windowOnDay(channel, hongKongDay(instant), offering);
  return w !== null && instant >= w.from && instant <= w.to;
}

/**
 * Every window of a channel, in time order, from the first day to the effective last day (one
 * interval per day; a continuous channel's days touch at midnight). Used by the book generator to
 * place input times inside the windows.
 */
export function channelWindows(channel: Channel, offering: Offering): Interval[] {
  const { firstDay, lastDay } = calendarOf(offering);
  const windows: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const w = windowOnDay(channel, day, offering);
    if (w !== null && w.to >= w.from) windows.push(w);
  }
  return windows;
}

/**
 * WHITE_FORM payment window (choice where the spec is silent on the start): from the channel's
 * opening on the first day to payment_by (or last_day_to) on the effective last day, inclusive.
 */
export function paymentWindow(channel: Channel, offering: Offering): Interval {
  const { firstDay, lastDay } = calendarOf(offering);
  const w = offering.timetable.windows[channel];
  const by = w.kind === 'continuous' ? (w.payment_by ?? w.last_day_to) : w.last_day_to;
  return { from: hongKongInstant(firstDay, clockSeconds(w.first_day_from)), to: hongKongInstant(lastDay, clockSeconds(by)) };
}

export function isPaymentInTime(channel: Channel, instant: number, offering: Offering): boolean {
  const w = paymentWindow(channel, offering);
  return instant >= w.from && instant <= w.to;
}

