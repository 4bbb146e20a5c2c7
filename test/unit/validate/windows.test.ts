/** Windows to the second and the bad-weather move of the last day (offering 0020, 2021). */
import { effectiveLastDay, isWithinWindow, isPaymentInTime } from '../../../src/validate/windows';
import { parseIsoDateTime } from '../../../src/ingest/iso-date-time';
import type { Offering } from '../../../src/offering/schema';
import type { Channel } from '../../../src/domain/types';
import { offering } from './fixture';

const at = (t: string) => {
  const s = parseIsoDateTime(t);
  if (s === null) throw new Error(t);
  return s;
};
const within = (c: Channel, t: string, o: Offering = offering) => isWithinWindow(c, at(t), o);
const stormy = (...events: [string, string, string][]): Offering => ({
  ...offering,
  timetable: { ...offering.timetable, bad_weather: events.map(([signal, from, to]) => ({ signal: signal as never, from, to })) },
});

describe('acceptance windows (Hong Kong time, ends inclusive, to the second)', () => {
  it.each([
    ['CLEARING', '2021-12-20T08:59:59', false],
    ['CLEARING', '2021-12-20T09:00:00', true],
    ['CLEARING', '2021-12-20T20:30:00', true],
    ['CLEARING', '2021-12-20T20:30:01', false],
    ['CLEARING', '2021-12-21T07:59:59', false],
    ['CLEARING', '2021-12-21T08:00:00', true],
    ['CUSTODIAN', '2021-12-22T20:30:00', true],
    ['CUSTODIAN', '2021-12-23T08:00:00', true],
    ['CUSTODIAN', '2021-12-23T12:00:00', true],
    ['CUSTODIAN', '2021-12-23T12:00:01', false],
    ['CLEARING', '2021-12-19T10:00:00', false],
    ['INVESTOR', '2021-12-20T08:59:59', false],
    ['INVESTOR', '2021-12-21T03:00:00', true],
    ['INVESTOR', '2021-12-23T12:00:00', true],
    ['INVESTOR', '2021-12-23T12:00:01', false],
    ['WHITE_FORM', '2021-12-23T11:30:00', true],
    ['WHITE_FORM', '2021-12-23T11:30:01', false],
    ['CLEARING', '2021-12-23T04:00:00Z', true],
    ['CLEARING', '2021-12-23T04:00:01Z', false],
    ['CLEARING', '2021-12-23T13:00:00+09:00', true],
    ['CLEARING', '2021-12-23T13:00:01+0900', false],
    ['CLEARING', '2021-12-23T12:00:00.999', true],
  ] as const)('%s at %s: %s', (channel, time, expected) => {
    expect(within(channel, time)).toBe(expected);
  });

  it('White Form payment until 12:00:00 on the last day, not before the first opening', () => {
    expect(isPaymentInTime('WHITE_FORM', at('2021-12-23T12:00:00'), offering)).toBe(true);
    expect(isPaymentInTime('WHITE_FORM', at('2021-12-23T12:00:01'), offering)).toBe(false);
    expect(isPaymentInTime('WHITE_FORM', at('2021-12-20T08:59:59'), offering)).toBe(false);
  });
});

describe('bad weather on the last day', () => {
  it('no signal: the last day stays', () => {
    expect(effectiveLastDay(offering)).toBe('2021-12-23');
  });
  it('a T8 in force on Thu 23 moves the last day to Fri 24', () => {
    const o = stormy(['T8', '2021-12-23T06:00:00', '2021-12-23T10:00:00']);
    expect(effectiveLastDay(o)).toBe('2021-12-24');
    // Thu 23 gets the normal daily window; Fri 24 the last-day times.
    expect(within('CLEARING', '2021-12-23T20:30:00', o)).toBe(true);
    expect(within('CLEARING', '2021-12-24T08:00:00', o)).toBe(true);
    expect(within('CLEARING', '2021-12-24T12:00:00', o)).toBe(true);
    expect(within('CLEARING', '2021-12-24T12:00:01', o)).toBe(false);
    // Continuous channels run on.
    expect(within('INVESTOR', '2021-12-23T23:00:00', o)).toBe(true);
    expect(within('WHITE_FORM', '2021-12-24T11:30:00', o)).toBe(true);
    expect(isPaymentInTime('WHITE_FORM', at('2021-12-24T12:00:00'), o)).toBe(true);
  });
  it('a signal lowered exactly at 09:00 does not count', () => {
    expect(effectiveLastDay(stormy(['T8', '2021-12-23T02:00:00', '2021-12-23T09:00:00']))).toBe('2021-12-23');
  });
  it('a signal hoisted exactly at 12:00 counts', () => {
    expect(effectiveLastDay(stormy(['BLACK_RAINSTORM', '2021-12-23T12:00:00', '2021-12-23T14:00:00']))).toBe('2021-12-24');
  });
  it('a signal hoisted at 12:00:01 does not count; lesser signals never count', () => {
    expect(effectiveLastDay(stormy(['T10', '2021-12-23T12:00:01', '2021-12-23T18:00:00']))).toBe('2021-12-23');
    expect(effectiveLastDay(stormy(['T3', '2021-12-23T08:00:00', '2021-12-23T18:00:00'], ['RED_RAINSTORM', '2021-12-23T08:00:00', '2021-12-23T18:00:00']))).toBe('2021-12-23');
  });
  it('two stormy days skip the weekend and the holiday: Thu 23 and Fri 24 -> Tue 28', () => {
    const o = stormy(['EXTREME_CONDITIONS', '2021-12-23T00:00:00', '2021-12-25T00:00:00']);
    expect(effectiveLastDay(o)).toBe('2021-12-28');
    expect(within('CLEARING', '2021-12-24T20:30:00', o)).toBe(true);
    expect(within('CLEARING', '2021-12-25T10:00:00', o)).toBe(false);
    expect(within('CLEARING', '2021-12-27T10:00:00', o)).toBe(false);
    expect(within('CLEARING', '2021-12-28T12:00:00', o)).toBe(true);
    expect(within('INVESTOR', '2021-12-26T10:00:00', o)).toBe(true);
  });
  it('a signal that is in force on the moved-to day moves it again', () => {
    const o = stormy(['T9', '2021-12-23T10:00:00', '2021-12-23T11:00:00'], ['T8', '2021-12-24T11:00:00+08:00', '2021-12-24T15:00:00+08:00']);
    expect(effectiveLastDay(o)).toBe('2021-12-28');
  });
});
