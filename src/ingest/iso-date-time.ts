/**
 * ISO 8601 date-times and the Hong Kong calendar as whole seconds since the Unix epoch. Pure: no
 * clock is read; Date.UTC is used only as a calendar function.
 *
 * Accepted form (spec: instruction-file.md, fields H7, D3, D12): `YYYY-MM-DDTHH:MM[:SS[.fff]]`
 * followed by nothing (Hong Kong time, UTC+8), `Z`, or an offset `+HH:MM`, `+HHMM` or `+HH`.
 * Fractions of a second are dropped (windows are compared to the second).
 */

/** Hong Kong is UTC+8 all year (no daylight saving). */
export const HONG_KONG_OFFSET_SECONDS = 8 * 3600;
export const SECONDS_PER_DAY = 86400;

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Days already computed (a book's instructions fall on a handful of dates), bounded. */
const days = new Map<number, number | null>();
const DAYS_KEPT = 4096;

/** Day number (days since 1970-01-01) of a calendar date, or null when the date does not exist. */
function dayOf(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const key = year * 10000 + month * 100 + day;
  const known = days.get(key);
  if (known !== undefined) return known;
  const computed = computeDay(year, month, day);
  if (days.size >= DAYS_KEPT) days.clear();
  days.set(key, computed);
  return computed;
}

function computeDay(year: number, month: number, day: number): number | null {
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return ms / 86400000;
}

/** The number written by `n` ASCII digits from `at`, or -1 when one is not a digit. */
function digitsAt(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * The usual shape, `YYYY-MM-DDTHH:MM:SS` (Hong Kong time), read without the regular expression:
 * the instant, null when it is that shape but no real time, undefined when it is another shape
 * (the regular expression decides). Same answers as the general path (a test holds them equal).
 */
function parseLocalSeconds(text: string): number | null | undefined {
  if (text.length !== 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const date = digitsAt(text, 8, 2);
  const hours = digitsAt(text, 11, 2);
  const minutes = digitsAt(text, 14, 2);
  const seconds = digitsAt(text, 17, 2);
  if (year < 0 || month < 0 || date < 0 || hours < 0 || minutes < 0 || seconds < 0) return undefined;
  const day = dayOf(year, month, date);
  if (day === null || hours > 23 || minutes > 59 || seconds > 59) return null;
  return day * SECONDS_PER_DAY + hours * 3600 + minutes * 60 + seconds - HONG_KONG_OFFSET_SECONDS;
}

/** An instant in whole epoch seconds, or null when the text is not an ISO 8601 date-time. */
export function parseIsoDateTime(text: string): number | null {
  const local = parseLocalSeconds(text);
  if (local !== undefined) return local;
  return parseIsoDateTimeGeneral(text);
}

/** parseIsoDateTime by the regular expression: every accepted form. */
export function parseIsoDateTimeGeneral(text: string): number | null {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return null;
  const day = dayOf(Number(m[1]), Number(m[2]), Number(m[3]));
  const hours = Number(m[4]);
  const minutes = Number(m[5]);
  const seconds = m[6] === undefined ? 0 : Number(m[6]);
  if (day === null || hours > 23 || minutes > 59 || seconds > 59) return null;
  let offset = HONG_KONG_OFFSET_SECONDS;
  const zone = m[8];
  if (zone === 'Z') offset = 0;
  else if (zone !== undefined) {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  return day * SECONDS_PER_DAY + hours * 3600 + minutes * 60 + seconds - offset;
}

/** Day number of a `YYYY-MM-DD` date (Hong Kong calendar); throws on a date the schema let through. */
export function dayNumber(date: string): number {
  const m = DATE.exec(date);
  const day = m ? dayOf(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  if (day === null) throw new RangeError(`not a date: ${date}`);
  return day;
}

/** `YYYY-MM-DD` of a day number. */
export function dateText(day: number): string {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

/** Seconds after midnight of a clock time `HH:MM[:SS]`. */
export function clockSeconds(clock: string): number {
  const m = CLOCK.exec(clock);
  if (!m) throw new RangeError(`not a clock time: ${clock}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + (m[3] === undefined ? 0 : Number(m[3]));
}

/** The Hong Kong day number on which an instant falls. */
export function hongKongDay(epochSeconds: number): number {
  return Math.floor((epochSeconds + HONG_KONG_OFFSET_SECONDS) / SECONDS_PER_DAY);
}

/** Seconds after Hong Kong midnight of an instant. */
export function hongKongSecondOfDay(epochSeconds: number): number {
  return epochSeconds + HONG_KONG_OFFSET_SECONDS - hongKongDay(epochSeconds) * SECONDS_PER_DAY;
}

/** The instant of a Hong Kong clock time on a day. */
export function hongKongInstant(day: number, secondOfDay: number): number {
  return day * SECONDS_PER_DAY + secondOfDay - HONG_KONG_OFFSET_SECONDS;
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Human-readable Hong Kong time for details: `2021-12-23 12:00:01 HKT`. */
export function formatHongKongTime(epochSeconds: number): string {
  const s = hongKongSecondOfDay(epochSeconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${dateText(hongKongDay(epochSeconds))} ${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)} HKT`;
}
