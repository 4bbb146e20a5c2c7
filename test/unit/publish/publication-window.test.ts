import { dateWords, instantWords, publicationPhase, publicationWindow } from '../../../src/publish/publication-window';
import { effectiveAfterClose } from '../../../src/validate/timetable';
import { offering } from '../validate/fixture';

/** Epoch seconds of a Hong Kong date-time, computed independently of the code under test. */
const at = (text: string) => {
  const [y, mo, d, h, mi] = text.split(/[-T:]/).map(Number) as [number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi) / 1000 - 8 * 3600;
};

describe('publication window', () => {
  const window = publicationWindow(effectiveAfterClose(offering)!);

  it('runs from results_from to results_to (exclusive), Hong Kong time', () => {
    expect(window).toEqual({ from: at('2021-12-29T08:00'), to: at('2022-01-05T00:00') });
    expect(publicationPhase(window, at('2021-12-29T07:59') + 59)).toBe('BEFORE');
    expect(publicationPhase(window, at('2021-12-29T08:00'))).toBe('OPEN');
    expect(publicationPhase(window, at('2022-01-04T23:59') + 59)).toBe('OPEN');
    expect(publicationPhase(window, at('2022-01-05T00:00'))).toBe('CLOSED');
  });

  it('moves with the bad-weather rule', () => {
    const stormy = { ...offering, timetable: { ...offering.timetable, bad_weather: [{ signal: 'T8' as const, from: '2021-12-23T06:00', to: '2021-12-23T13:00' }] } };
    expect(publicationWindow(effectiveAfterClose(stormy)!)).toEqual({ from: at('2021-12-30T08:00'), to: at('2022-01-06T00:00') });
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => publicationWindow({ results_from: '2021-12-29T08:00', results_to: '2021-12-29T08:00' })).toThrow(RangeError);
  });

  it('words dates and instants as the announcement does', () => {
    expect(dateWords('2021-12-29')).toBe('Wednesday, December 29, 2021');
    expect(dateWords('2022-01-03')).toBe('Monday, January 3, 2022');
    expect(instantWords(at('2021-12-29T08:00'))).toBe('8:00 a.m. on Wednesday, December 29, 2021');
    expect(instantWords(at('2021-12-23T12:00'))).toBe('12:00 noon on Thursday, December 23, 2021');
    expect(instantWords(at('2021-12-23T18:05'))).toBe('6:05 p.m. on Thursday, December 23, 2021');
    expect(instantWords(at('2021-12-23T00:30'))).toBe('12:30 a.m. on Thursday, December 23, 2021');
    expect(instantWords(at('2022-01-05T00:00'))).toBe('12:00 midnight on Tuesday, January 4, 2022');
  });
});
