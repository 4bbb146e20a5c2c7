/** Open seconds of a channel, laid end to end, and instants just outside them. */
import * as path from 'node:path';
import { buildTimeline, HongKongClock, instantAt } from '../../../src/generate/input-times';
import { loadOfferingFile } from '../../../src/io/config-files';
import { isWithinWindow } from '../../../src/validate/windows';

const offering = loadOfferingFile(path.join(__dirname, '../../../samples/offerings/0020-sensetime-2021.json'));
const clock = new HongKongClock();

describe('channel timelines', () => {
  it('CLEARING: Mon 09:00-20:30, Tue and Wed 08:00-20:30, Thu 08:00-12:00, both ends inclusive', () => {
    const t = buildTimeline('CLEARING', offering);
    expect(t.total).toBe(41401 + 45001 + 45001 + 14401);
    expect(clock.format(instantAt(t, 0))).toBe('2021-12-20T09:00:00');
    expect(clock.format(instantAt(t, 41400))).toBe('2021-12-20T20:30:00');
    expect(clock.format(instantAt(t, 41401))).toBe('2021-12-21T08:00:00');
    expect(clock.format(instantAt(t, t.total - 1))).toBe('2021-12-23T12:00:00');
    expect(t.outside.map((s) => clock.format(s))).toEqual([
      '2021-12-20T08:59:59', '2021-12-20T20:30:01', '2021-12-21T07:59:59', '2021-12-21T20:30:01',
      '2021-12-22T07:59:59', '2021-12-22T20:30:01', '2021-12-23T07:59:59', '2021-12-23T12:00:01',
    ]);
    expect(t.outside.some((s) => isWithinWindow('CLEARING', s, offering))).toBe(false);
  });

  it('WHITE_FORM: continuous from Mon 09:00 to Thu 11:30, payment by 12:00', () => {
    const t = buildTimeline('WHITE_FORM', offering);
    expect(t.total).toBe(3 * 86400 + 2.5 * 3600 + 1);
    expect(t.outside.map((s) => clock.format(s))).toEqual(['2021-12-20T08:59:59', '2021-12-23T11:30:01']);
    expect(clock.format(t.paymentTo)).toBe('2021-12-23T12:00:00');
    const every = Array.from({ length: 2000 }, (_, k) => instantAt(t, Math.floor((k * (t.total - 1)) / 1999)));
    expect(every.filter((s) => !isWithinWindow('WHITE_FORM', s, offering))).toEqual([]);
  });
});
