import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseOffering } from '../../../src/offering/load-offering';
import { ConfigInvalidError } from '../../../src/domain/errors';

const samplePath = path.join(__dirname, '../../../samples/offerings/0020-sensetime-2021.json');
const sampleText = readFileSync(samplePath, 'utf8');

function withChange(change: (o: Record<string, any>) => void): string {
  const o = JSON.parse(sampleText);
  change(o);
  return JSON.stringify(o);
}

function errorOf(text: string): string {
  try {
    parseOffering(text, 'offering.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigInvalidError);
    return (e as Error).message;
  }
  throw new Error('expected the offering to be refused');
}

describe('offering configuration', () => {
  it('accepts the 0020 sample with every figure of the announcement', () => {
    const o = parseOffering(sampleText);
    expect(o.stock_code).toBe('0020');
    expect(o.board_lot).toBe(1000);
    expect(o.price).toEqual({ maximum: '3.99', minimum: '3.85' });
    expect(o.fees.map((f) => f.rate)).toEqual(['0.01', '0.000027', '0.00005']);
    expect(o.tranches).toEqual({ offer_shares: 1_500_000_000, hong_kong_initial: 150_000_000, international_initial: 1_350_000_000, over_allotment: 225_000_000 });
    expect(o.max_application_shares).toBe(75_000_000);
    expect(o.reallocation).toEqual({ max_hong_kong_shares: 300_000_000, required_final_price: '3.85', only_below_first_tier: true });
    expect(o.clawback.map((t) => [t.min_multiple, t.hong_kong_pct])).toEqual([[15, '30'], [50, '40'], [100, '50']]);
    expect(o.timetable.windows.WHITE_FORM).toEqual({ kind: 'continuous', first_day_from: '09:00', last_day_to: '11:30', payment_by: '12:00' });
  });

  it('names the field and says what is wrong', () => {
    expect(errorOf(withChange((o) => { o.stock_code = '20'; }))).toBe('offering.json: stock_code: stock_code must be four or five digits, leading zeros kept, e.g. "0020"');
    expect(errorOf(withChange((o) => { o.price.maximum = 3.99; }))).toMatch(/^offering\.json: price\.maximum: /);
    expect(errorOf(withChange((o) => { delete o.issuer; }))).toBe('offering.json: issuer: is missing');
    expect(errorOf(withChange((o) => { o.permitted_quantities[3] = 3500; }))).toContain('permitted_quantities.3: 3500 is not a whole number of board lots of 1000');
    expect(errorOf(withChange((o) => { o.timetable.bad_weather = [{ signal: 'T7', from: '2021-12-23T08:00', to: '2021-12-23T10:00' }]; }))).toContain('timetable.bad_weather.0.signal: signal must be one of');
    expect(errorOf(withChange((o) => { o.tranches.hong_kong_initial = 1; }))).toContain('tranches: hong_kong_initial + international_initial must equal offer_shares');
  });

  it('refuses a field the format does not have, naming it, at any depth', () => {
    expect(errorOf(withChange((o) => { o.certificate = { collect_in_person_min_shares: 1000 }; }))).toBe('offering.json: certificate: unknown field (misspelt? the format has no such field)');
    expect(errorOf(withChange((o) => { o.timetable.bad_wether = []; }))).toBe('offering.json: timetable.bad_wether: unknown field (misspelt? the format has no such field)');
    expect(errorOf(withChange((o) => { o.pools.exponent.C = 0.5; }))).toContain('pools.exponent.C: unknown field');
    expect(errorOf(withChange((o) => { o.timetable.windows.CLEARING.daily_until = '20:30'; }))).toContain('timetable.windows.CLEARING.daily_until: unknown field');
    expect(errorOf(withChange((o) => { o.clawback[1].hk_pct = '40'; }))).toContain('clawback.1.hk_pct: unknown field');
    expect(errorOf(withChange((o) => { o.reallocation.only_below_tier = false; }))).toContain('reallocation.only_below_tier: unknown field');
    expect(errorOf(withChange((o) => { o.timetable.after_close.listing_day = '2021-12-30'; }))).toContain('timetable.after_close.listing_day: unknown field');
    expect(errorOf(withChange((o) => { o.fees[0].rate_pct = '1'; }))).toContain('fees.0.rate_pct: unknown field');
    expect(errorOf(withChange((o) => { o.timetable.bad_weather = [{ signal: 'T8', from: '2021-12-23T08:00', to: '2021-12-23T10:00', note: 'x' }]; }))).toContain('timetable.bad_weather.0.note: unknown field');
  });

  it('keeps the optional after-close timetable', () => {
    expect(parseOffering(sampleText).timetable.after_close?.listing).toBe('2021-12-30');
    expect(parseOffering(withChange((o) => { delete o.timetable.after_close; })).timetable.after_close).toBeUndefined();
  });

  it('reallocation rules: only_below_first_tier must be a boolean, required_final_price may be left out', () => {
    expect(errorOf(withChange((o) => { o.reallocation.only_below_first_tier = 'yes'; }))).toContain('reallocation.only_below_first_tier: reallocation.only_below_first_tier must be true or false');
    expect(parseOffering(withChange((o) => { delete o.reallocation.required_final_price; })).reallocation).toEqual({ max_hong_kong_shares: 300_000_000, only_below_first_tier: true });
  });

  it('refuses text that is not JSON', () => {
    expect(errorOf('{')).toMatch(/^offering\.json: not valid JSON/);
  });
});
