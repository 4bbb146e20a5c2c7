/**
 * Times inside (and, for planted faults, just outside) a channel's acceptance windows, from the
 * offering's timetable after any bad-weather move (validate/windows.ts decides what is inside; the
 * generator only counts the open seconds and picks among them).
 *
 * A channel's open seconds are laid end to end (every window's both ends are inclusive), so an
 * offset 0 <= o < total names one open second. A participant's instructions take increasing
 * offsets (instruction j of n falls in [j, j+1) x total / n), so its files follow one another in
 * time as a real participant's batches do.
 */
import type { Channel } from '../domain/types';
import type { Offering } from '../offering/schema';
import { dateText, hongKongDay, HONG_KONG_OFFSET_SECONDS, SECONDS_PER_DAY } from '../ingest/iso-date-time';
import { channelWindows, isPaymentInTime, isWithinWindow, paymentWindow } from '../validate/windows';

export interface ChannelTimeline {
  channel: Channel;
  /** Window starts (epoch seconds) and the open seconds before each window. */
  from: readonly number[];
  before: readonly number[];
  /** Open seconds in all. */
  total: number;
  /** Instants just outside every window (before the first, after the last, in each gap). */
  outside: readonly number[];
  /** WHITE_FORM payment window (inclusive). */
  paymentFrom: number;
  paymentTo: number;
}

export function buildTimeline(channel: Channel, offering: Offering): ChannelTimeline {
  const windows = channelWindows(channel, offering);
  if (windows.length === 0) throw new RangeError(`the ${channel} channel has no acceptance window in the offering's timetable`);
  const from: number[] = [];
  const before: number[] = [];
  let total = 0;
  for (const w of windows) {
    from.push(w.from);
    before.push(total);
    total += w.to - w.from + 1;
  }
  const candidates = [windows[0]!.from - 1, windows[windows.length - 1]!.to + 1];
  for (let k = 1; k < windows.length; k++) candidates.push(windows[k - 1]!.to + 1, windows[k]!.from - 1);
  const outside = [...new Set(candidates)].filter((t) => !isWithinWindow(channel, t, offering)).sort((a, b) => a - b);
  const pay = paymentWindow(channel, offering);
  return { channel, from, before, total, outside, paymentFrom: pay.from, paymentTo: pay.to };
}

/** The instant of open second `offset` (0 <= offset < total). */
export function instantAt(t: ChannelTimeline, offset: number): number {
  let k = t.before.length - 1;
  while (k > 0 && t.before[k]! > offset) k--;
  return t.from[k]! + (offset - t.before[k]!);
}

/** A late payment: after the payment window closes (checked against the validator). */
export function latePayment(t: ChannelTimeline, offering: Offering, extraSeconds: number): number {
  const at = t.paymentTo + 1 + extraSeconds;
  if (isPaymentInTime(t.channel, at, offering)) throw new RangeError('a late payment time fell inside the payment window');
  return at;
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, n) => (n < 10 ? `0${n}` : String(n)));

/** Formats instants as Hong Kong local time `YYYY-MM-DDTHH:MM:SS` (no offset), days cached. */
export class HongKongClock {
  private readonly days = new Map<number, string>();

  format(instant: number): string {
    const local = instant + HONG_KONG_OFFSET_SECONDS;
    const day = Math.floor(local / SECONDS_PER_DAY);
    let prefix = this.days.get(day);
    if (prefix === undefined) {
      prefix = `${dateText(hongKongDay(instant))}T`;
      this.days.set(day, prefix);
    }
    const s = local - day * SECONDS_PER_DAY;
    const h = Math.floor(s / 3600);
    const m = Math.floor(s / 60) % 60;
    return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s % 60]}`;
  }
}
