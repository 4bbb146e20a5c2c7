/**
 * The offering configuration: one JSON file per offering, validated at the edge by this zod
 * schema. Nothing about a particular offering is hard-coded anywhere else in src/.
 * The format is documented field by field in docs/offering.md.
 */
import { z } from 'zod';
import { CHANNELS } from '../domain/types';
import { ingestLimitsSchema } from './ingest-limits';

const decimalText = (what: string) =>
  z.string({ error: `${what} must be a decimal number written as text, e.g. "3.99"` })
    .regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, `${what} must be a non-negative decimal written as text, e.g. "3.99"`);
const wholeShares = (what: string) =>
  z.number({ error: `${what} must be a whole number of shares` }).int(`${what} must be a whole number of shares`).positive(`${what} must be more than zero`);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD (Hong Kong calendar)');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be a Hong Kong clock time HH:MM or HH:MM:SS');
/** A local Hong Kong date-time without offset, or with an explicit one. */
const dateTime = z.string().regex(
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/,
  'must be an ISO 8601 date-time, e.g. 2021-12-23T09:30 (no offset means Hong Kong time)',
);

/** Hours of a channel that takes instructions only in daily windows (CCASS Clearing/Custodian). */
const dailyChannel = z.strictObject({
  kind: z.literal('daily'),
  /** Opening time on the first application day (the offering commences), e.g. 09:00. */
  first_day_from: clock,
  /** Hours on every other business day before the last day. */
  daily_from: clock,
  daily_to: clock,
  /** Hours on the last application day. */
  last_day_from: clock,
  last_day_to: clock,
});

/** A channel open around the clock from the commencement until a time on the last day. */
const continuousChannel = z.strictObject({
  kind: z.literal('continuous'),
  first_day_from: clock,
  last_day_to: clock,
  /** WHITE_FORM: payment must be completed by this time on the last day. */
  payment_by: clock.optional(),
});

export const WEATHER_SIGNALS = [
  'T1', 'T3', 'T8', 'T9', 'T10', 'AMBER_RAINSTORM', 'RED_RAINSTORM', 'BLACK_RAINSTORM', 'EXTREME_CONDITIONS',
] as const;

const timetable = z.strictObject({
  /** The first application day (the Hong Kong Public Offering commences). */
  first_day: date,
  /** The last application day as planned (before any bad-weather move). */
  last_day: date,
  windows: z.strictObject(
    Object.fromEntries(CHANNELS.map((c) => [c, z.discriminatedUnion('kind', [dailyChannel, continuousChannel])])) as {
      [K in (typeof CHANNELS)[number]]: z.ZodDiscriminatedUnion<[typeof dailyChannel, typeof continuousChannel]>;
    },
  ),
  /** The window on the last day in which a severe signal moves the day (09:00-12:00). */
  weather_check_from: clock,
  weather_check_to: clock,
  public_holidays: z.array(date),
  bad_weather: z.array(z.strictObject({
    signal: z.enum(WEATHER_SIGNALS, { error: `signal must be one of ${WEATHER_SIGNALS.join(', ')}` }),
    from: dateTime,
    to: dateTime,
  })),
  /**
   * The dates after the lists close, as planned (the prospectus's expected timetable). Each moves
   * forward by as many business days as bad weather moves the last application day
   * (validate/timetable.ts). Optional: the commands that need them (results site, payment files)
   * say so when they are missing.
   */
  after_close: z.strictObject({
    /** Allotment results announcement (final price, levels of application, basis of allocation). */
    announcement: date,
    /** Results "search by ID" available from (Hong Kong time) ... */
    results_from: dateTime,
    /** ... until (exclusive; "12:00 midnight on 4 January" is 2022-01-05T00:00). */
    results_to: dateTime,
    /** Refund cheques and e-Refund payment instructions dispatched on or before (the refunds' value date). */
    refund_dispatch: date,
    /** Share certificates dispatched, or deposited into CCASS, on or before. */
    certificate_dispatch: date,
    /** Dealings expected to commence. */
    listing: date,
  }).optional(),
  /**
   * The nightly provisional run (src/pipeline/provisional.ts, run on Redis by a BullMQ job
   * scheduler): the Hong Kong clock time, every day until the book is allocated, e.g. "22:00".
   * Optional: without it no provisional run is scheduled.
   */
  provisional_run_at: clock.optional(),
});

export const offeringSchema = z.strictObject({
  stock_code: z.string().regex(/^\d{4,5}$/, 'stock_code must be four or five digits, leading zeros kept, e.g. "0020"'),
  issuer: z.string().min(1),
  share_class: z.string().min(1).optional(),
  currency: z.literal('HKD', { error: 'currency must be "HKD"' }),
  board_lot: wholeShares('board_lot'),
  price: z.strictObject({ maximum: decimalText('price.maximum'), minimum: decimalText('price.minimum') }),
  fees: z.array(z.strictObject({ name: z.string().min(1), rate: decimalText('fee rate') })).min(1, 'fees must list at least one fee rate'),
  permitted_quantities: z.array(wholeShares('a permitted quantity')).min(1),
  max_application_shares: wholeShares('max_application_shares'),
  tranches: z.strictObject({
    offer_shares: wholeShares('tranches.offer_shares'),
    hong_kong_initial: wholeShares('tranches.hong_kong_initial'),
    international_initial: wholeShares('tranches.international_initial'),
    over_allotment: z.number().int().nonnegative(),
  }),
  pools: z.strictObject({
    /** Pool A: consideration at the maximum price at most this (fees excluded). */
    threshold_consideration: decimalText('pools.threshold_consideration'),
    /** Exponent of the ballot's target curve per pool: 1 is proportional, below 1 favours small applications. */
    exponent: z.strictObject({ A: z.number().positive().max(1), B: z.number().positive().max(1) }),
  }),
  clawback: z.array(z.strictObject({
    /** The tier applies when the subscription multiple is at least this. */
    min_multiple: z.number().positive(),
    /** Hong Kong tranche after clawback, as a percentage of offer_shares (before over-allotment). */
    hong_kong_pct: decimalText('clawback.hong_kong_pct'),
  })),
  reallocation: z.strictObject({
    /** The Hong Kong tranche may not exceed this after a discretionary reallocation. */
    max_hong_kong_shares: wholeShares('reallocation.max_hong_kong_shares'),
    /**
     * When given, a discretionary reallocation needs the final price to be exactly this (GL91-18,
     * 2021: the bottom of the range). Left out: any final price in the range.
     */
    required_final_price: decimalText('reallocation.required_final_price').optional(),
    /**
     * true or left out (GL91-18, 2021): refused once the multiple reaches the first clawback tier.
     * false (2025 Mechanism A): allowed at any multiple, on top of the tier's tranche.
     */
    only_below_first_tier: z.boolean({ error: 'reallocation.only_below_first_tier must be true or false' }).optional(),
  }).optional(),
  certificates: z.strictObject({
    /** WHITE_FORM applicants for at least this many shares may collect certificates in person. */
    collect_in_person_min_shares: wholeShares('certificates.collect_in_person_min_shares').optional(),
  }).default({}),
  timetable,
  /**
   * How the allotment results announcement lists successful applicants' identification document
   * numbers (`ccass-batch announce`): `masked` (first two and last character, docs/publish.md)
   * or `full`. Optional.
   * @defaultValue { successful_ids: 'masked' }
   */
  publication: z.strictObject({
    successful_ids: z.enum(['masked', 'full'], { error: 'publication.successful_ids must be "masked" or "full"' }).default('masked'),
  }).default({ successful_ids: 'masked' }),
  /** Limits on dropped files (docs/limits.md); every key optional, defaults in ingest-limits.ts. */
  ingest_limits: ingestLimitsSchema.optional(),
}).superRefine((o, ctx) => {
  const q = o.permitted_quantities;
  for (let i = 0; i < q.length; i++) {
    if (q[i]! % o.board_lot !== 0) ctx.addIssue({ code: 'custom', path: ['permitted_quantities', i], message: `${q[i]} is not a whole number of board lots of ${o.board_lot}` });
    if (i > 0 && q[i]! <= q[i - 1]!) ctx.addIssue({ code: 'custom', path: ['permitted_quantities', i], message: 'permitted quantities must be listed in increasing order without repeats' });
  }
  if (Number(o.price.minimum) > Number(o.price.maximum)) ctx.addIssue({ code: 'custom', path: ['price', 'minimum'], message: 'price.minimum is above price.maximum' });
  if (o.tranches.hong_kong_initial + o.tranches.international_initial !== o.tranches.offer_shares) ctx.addIssue({ code: 'custom', path: ['tranches'], message: 'hong_kong_initial + international_initial must equal offer_shares' });
  if (o.tranches.hong_kong_initial % o.board_lot !== 0) ctx.addIssue({ code: 'custom', path: ['tranches', 'hong_kong_initial'], message: 'must be a whole number of board lots' });
  for (let i = 1; i < o.clawback.length; i++) {
    if (o.clawback[i]!.min_multiple <= o.clawback[i - 1]!.min_multiple) ctx.addIssue({ code: 'custom', path: ['clawback', i, 'min_multiple'], message: 'clawback tiers must be in increasing order of min_multiple' });
  }
  if (o.timetable.last_day < o.timetable.first_day) ctx.addIssue({ code: 'custom', path: ['timetable', 'last_day'], message: 'last_day is before first_day' });
  const after = o.timetable.after_close;
  if (after) {
    for (const key of ['announcement', 'refund_dispatch', 'certificate_dispatch', 'listing'] as const) {
      if (after[key] <= o.timetable.last_day) ctx.addIssue({ code: 'custom', path: ['timetable', 'after_close', key], message: `${key} must be after the last application day ${o.timetable.last_day}` });
    }
    if (after.results_to <= after.results_from) ctx.addIssue({ code: 'custom', path: ['timetable', 'after_close', 'results_to'], message: 'results_to must be after results_from' });
  }
});

export type Offering = z.infer<typeof offeringSchema>;
export type ChannelWindow = Offering['timetable']['windows']['CLEARING'];
export type WeatherEvent = Offering['timetable']['bad_weather'][number];
export type AfterCloseDates = NonNullable<Offering['timetable']['after_close']>;
