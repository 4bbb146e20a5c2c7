/**
 * Writes the text of a synthetic book's files (spec: instruction-file.md, format 1), one file at
 * a time, in chunks: header, D records, trailer with the totals of what was written. Pure: the
 * caller (io/synthetic-book.ts) puts the chunks into files.
 *
 * Every D record is a function of the seed and its global index (and the plan): its quantity,
 * times, applicants, accounts and any planted fault come from counter-based streams keyed by
 * (seed, stream, index), so a record can be regenerated alone (a multiple application's target)
 * and a book with faults is the clean book with only the faulty fields changed.
 *
 * Shaped for speed (5,000,000 records in well under a minute): amounts are precomputed per
 * quantity (quantity-mix.ts), totals are integers, the applicant is kept in fields of the object
 * rather than a new object per record, and a file's lines are joined into 64 KB chunks.
 */
import type { Channel } from '../domain/types';
import { CHANNELS } from '../domain/types';
import type { Offering } from '../offering/schema';
import type { BookPlan, GenerateOptions, PlannedFile } from './book-plan';
import { bankAccount, BANK_CODES, planBook, refOf } from './book-plan';
import { newTally, BookTally } from './book-tally';
import { IdentitySpace } from './identities';
import { buildTimeline, ChannelTimeline, HongKongClock, instantAt, latePayment } from './input-times';
import { companyName, csvField, personName } from './names';
import { FaultPlanner, Plan, PlantedFault } from './planted-faults';
import { buildQuantityMix, centsText, nonPermittedQuantities, pickQuantity, QuantityMix } from './quantity-mix';
import { seedKey, SeededRandom, STREAM } from './seeded-random';

const CHUNK_CHARACTERS = 1 << 16;

/** The applicant fields of a record (kept on the generator, not allocated per record). */
interface Applicant {
  idType: string;
  id: string;
  name: string;
  company: boolean;
}

export class BookGenerator {
  readonly plan: BookPlan;
  readonly tally: BookTally = newTally();
  private readonly mix: QuantityMix;
  private readonly timelines: Record<Channel, ChannelTimeline>;
  private readonly clock = new HongKongClock();
  private readonly ids: IdentitySpace;
  private readonly faults: FaultPlanner;
  private readonly nonPermitted: { shares: number; from: number }[];
  private readonly identityRng: SeededRandom;
  private readonly targetIdentityRng: SeededRandom;
  private readonly detailRng: SeededRandom;
  private readonly first: Applicant = { idType: '', id: '', name: '', company: false };
  private readonly other: Applicant = { idType: '', id: '', name: '', company: false };
  private readonly overCapText: string;

  constructor(private readonly offering: Offering, options: GenerateOptions) {
    const key = seedKey(options.seed);
    this.plan = planBook(options, key);
    this.mix = buildQuantityMix(offering);
    this.timelines = Object.fromEntries(CHANNELS.map((c) => [c, buildTimeline(c, offering)])) as Record<Channel, ChannelTimeline>;
    this.ids = new IdentitySpace(key);
    this.nonPermitted = nonPermittedQuantities(offering, this.mix);
    this.faults = new FaultPlanner(key, options.instructions, options.errorRate, options.multipleRate, this.nonPermitted.length > 0);
    this.identityRng = new SeededRandom(key);
    this.targetIdentityRng = new SeededRandom(key);
    this.detailRng = new SeededRandom(key);
    this.overCapText = String(offering.max_application_shares + offering.board_lot);
  }

  /** The first applicant of instruction `index` as its own record would write it. */
  private firstApplicant(rng: SeededRandom, index: number, into: Applicant): void {
    const u = rng.below(100);
    const brackets = rng.below(100) < 85;
    if (u < 88) {
      into.idType = 'HKID';
      into.id = this.ids.hkid(4 * index, brackets);
    } else if (u < 94) {
      into.idType = 'PASSPORT';
      into.id = this.ids.passport(4 * index);
    } else if (u < 98) {
      into.idType = 'BR';
      into.id = this.ids.br(index);
    } else {
      into.idType = 'CI';
      into.id = this.ids.ci(index);
    }
    into.company = u >= 94;
    into.name = into.company ? companyName(rng) : personName(rng);
  }

  /** Joint applicants (individuals only): 8% one, 2% two, 0.5% three; 90% HKID, 10% passport. */
  private jointApplicants(rng: SeededRandom, index: number, company: boolean): string[] {
    const v = rng.below(1000);
    const count = company ? 0 : v < 80 ? 1 : v < 100 ? 2 : v < 105 ? 3 : 0;
    const joint: string[] = [];
    for (let k = 1; k <= count; k++) {
      const hkid = rng.below(10) < 9;
      const brackets = rng.below(100) < 85;
      joint.push(hkid ? `HKID:${this.ids.hkid(4 * index + k, brackets)}` : `PASSPORT:${this.ids.passport(4 * index + k)}`);
    }
    return joint;
  }

  /** The text of one file in chunks; returns nothing, the totals go into the tally. */
  *fileChunks(file: PlannedFile): Generator<string, void> {
    const p = file.participant;
    const channel = p.participant_type;
    const t = this.timelines[channel];
    const lastOffset = Math.floor(((file.firstLocal + file.count) * t.total - 1) / p.count);
    const created = `${this.clock.format(instantAt(t, lastOffset) + 600)}+08:00`;
    let chunk = `H,1,${this.offering.stock_code},${p.participant_id},${channel},${file.file_seq},${created}\n`;
    let shares = 0;
    let cents = 0;
    let bigShares = 0n;
    let bigCents = 0n;
    for (let position = 0; position < file.count; position++) {
      const r = this.record(file, position);
      chunk += r;
      shares += this.lastShares;
      cents += this.lastCents;
      if (cents > 2 ** 52 || shares > 2 ** 52) {
        bigShares += BigInt(shares);
        bigCents += BigInt(cents);
        shares = 0;
        cents = 0;
      }
      if (chunk.length > CHUNK_CHARACTERS) {
        yield chunk;
        chunk = '';
      }
    }
    bigShares += BigInt(shares);
    bigCents += BigInt(cents);
    yield `${chunk}T,${file.count},${bigShares},${centsText(bigCents)}\n`;
    this.tally.files += 1;
    this.tally.shares += bigShares;
    this.tally.cents += bigCents;
  }

  private lastShares = 0;
  private lastCents = 0;

  /** One D line (with its line end); sets lastShares and lastCents and counts in the tally. */
  private record(file: PlannedFile, position: number): string {
    const p = file.participant;
    const channel = p.participant_type;
    const index = file.firstIndex + position;
    const local = file.firstLocal + position;
    const tally = this.tally;

    const plan = this.faults.planOf(index);
    let fault: PlantedFault | null = null;
    let faultWord = 0;
    let target: ReturnType<FaultPlanner['targetOf']> = null;
    if (plan === Plan.Fault) ({ fault, word: faultWord } = this.faults.faultOf(index, channel, position));
    else if (plan === Plan.Multiple) target = this.faults.targetOf(index);

    // Applicants (identity stream).
    const idr = this.identityRng.reset(STREAM.identity, index);
    const a = this.first;
    this.firstApplicant(idr, index, a);
    let joint = this.jointApplicants(idr, index, a.company);
    if (target !== null) {
      const o = this.other;
      this.firstApplicant(this.targetIdentityRng.reset(STREAM.identity, target.target), target.target, o);
      let id = o.id;
      if (o.idType === 'HKID') {
        id = (target.variant & 1) === 1 ? id.replace(/[()]/g, '') : id.includes('(') ? id : `${id.slice(0, -1)}(${id.slice(-1)})`;
        if ((target.variant & 6) === 0) id = id.toLowerCase();
      }
      if (target.joint && !a.company && !o.company) {
        joint = [...joint.slice(0, 2), `${o.idType}:${id}`];
      } else {
        a.idType = o.idType;
        a.id = id;
        a.name = o.name;
      }
      tally.planted.push(index, 'MULTIPLE_APPLICATION');
      if (!tally.multipleTargets.has(target.target)) {
        tally.multipleTargets.add(target.target);
        tally.planted.push(target.target, 'MULTIPLE_APPLICATION');
      }
    }
    if (fault === 'HKID_CHECK_DIGIT') {
      a.idType = 'HKID';
      a.id = this.ids.hkidWrongCheck(4 * index, 1 + (faultWord % 10));
    }
    if (joint.length > 0) tally.joint += 1;

    // Quantity, time, accounts (detail stream).
    const d = this.detailRng.reset(STREAM.detail, index);
    const k = pickQuantity(this.mix, d.next());
    tally.byQuantity[k] = (tally.byQuantity[k] ?? 0) + 1;
    let sharesText = this.mix.sharesText[k]!;
    let amountText = this.mix.amountText[k]!;
    let amountCents = this.mix.amountCents[k]!;
    const t = this.timelines[channel];
    let input = instantAt(t, Math.floor((local * t.total + d.below(t.total)) / p.count));
    let stock = '';
    let refund = '';
    let payment = '';
    let ref = refOf(local);
    if (channel === 'WHITE_FORM') {
      if (d.below(10) < 7) refund = bankAccount(d);
      const delay = 30 + d.below(1800);
      if (fault === 'REFUND_ACCOUNT_INVALID') refund = `${BANK_CODES[faultWord % BANK_CODES.length]}-${String(faultWord % 1000).padStart(3, '0')}-${String(faultWord % 100000).padStart(5, '0')}`;
      if (fault === 'OUTSIDE_WINDOW') input = t.outside[faultWord % t.outside.length]!;
      payment = this.clock.format(fault === 'PAYMENT_LATE' ? latePayment(t, this.offering, faultWord % 3600) : Math.min(input + delay, t.paymentTo));
    } else {
      stock = channel === 'INVESTOR' ? p.participant_id : `${p.participant_id}-${String(d.below(10_000_000)).padStart(7, '0')}`;
      if (fault === 'STOCK_ACCOUNT_MISSING') stock = '';
      if (fault === 'OUTSIDE_WINDOW') input = t.outside[faultWord % t.outside.length]!;
    }
    switch (fault) {
      case 'AMOUNT_INCORRECT':
        amountCents += (faultWord & 1) === 1 || amountCents < 2 ? 1 : -1;
        amountText = centsText(amountCents);
        break;
      case 'QUANTITY_NOT_PERMITTED': {
        const q = this.nonPermitted[faultWord % this.nonPermitted.length]!;
        sharesText = String(q.shares);
        amountText = this.mix.amountText[q.from]!;
        amountCents = this.mix.amountCents[q.from]!;
        break;
      }
      case 'QUANTITY_OVER_CAP':
        sharesText = this.overCapText;
        amountText = this.mix.amountText[this.mix.shares.length - 1]!;
        amountCents = this.mix.amountCents[this.mix.shares.length - 1]!;
        break;
      case 'REF_REUSED':
        ref = refOf(local - 1);
        break;
      default:
        break;
    }
    if (fault !== null) tally.planted.push(index, fault);
    tally.byChannel[channel] += 1;
    tally.instructions += 1;
    this.lastShares = Number(sharesText);
    this.lastCents = amountCents;
    return `D,${ref},${this.clock.format(input)},${a.idType},${a.id},${csvField(a.name)},${joint.join(';')},${sharesText},${amountText},${stock},${refund},${payment}\n`;
  }
}
