/** The after-close dates and their bad-weather move (offering 0020, 2021). */
import { effectiveAfterClose } from '../../../src/validate/timetable';
import type { Offering } from '../../../src/offering/schema';
import { offering } from './fixture';

const stormy = (...events: [string, string, string][]): Offering => ({
  ...offering,
  timetable: { ...offering.timetable, bad_weather: events.map(([signal, from, to]) => ({ signal: signal as never, from, to })) },
});

describe('after-close timetable', () => {
  it('is the planned timetable when the weather is fine', () => {
    expect(effectiveAfterClose(offering)).toEqual({
      announcement: '2021-12-29', results_from: '2021-12-29T08:00', results_to: '2022-01-05T00:00',
      refund_dispatch: '2021-12-29', certificate_dispatch: '2021-12-29', listing: '2021-12-30',
      moved_business_days: 0, last_day: '2021-12-23',
    });
  });

  it('moves every date by the business days the last day moved (T8 on Thu 23 Dec: last day Fri 24 Dec)', () => {
    const t = effectiveAfterClose(stormy(['T8', '2021-12-23T06:00', '2021-12-23T13:00']))!;
    expect(t.last_day).toBe('2021-12-24');
    expect(t.moved_business_days).toBe(1);
    // Wed 29 Dec + 1 business day = Thu 30 Dec; Thu 30 Dec + 1 = Fri 31 Dec.
    expect(t.announcement).toBe('2021-12-30');
    expect(t.refund_dispatch).toBe('2021-12-30');
    expect(t.listing).toBe('2021-12-31');
    expect(t.results_from).toBe('2021-12-30T08:00');
    // Wed 5 Jan 2022 00:00 + 1 business day = Thu 6 Jan 00:00.
    expect(t.results_to).toBe('2022-01-06T00:00');
  });

  it('skips the weekend and the Christmas holidays (signals on Thu 23 and Fri 24 Dec: last day Tue 28 Dec)', () => {
    const t = effectiveAfterClose(stormy(['BLACK_RAINSTORM', '2021-12-23T08:00', '2021-12-24T12:30']))!;
    expect(t.last_day).toBe('2021-12-28');
    // 24 (Fri), 28 (Tue): 25-27 Dec are a weekend and holidays.
    expect(t.moved_business_days).toBe(2);
    expect(t.announcement).toBe('2021-12-31');
    expect(t.listing).toBe('2022-01-03');
  });

  it('is null when the offering does not set it', () => {
    const { after_close: _, ...timetable } = offering.timetable;
    expect(effectiveAfterClose({ ...offering, timetable })).toBeNull();
  });
});
