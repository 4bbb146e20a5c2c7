/**
 * What the generator plants on purpose, and how a record is chosen for it (docs/generate.md).
 *
 * Each record draws one word from its own `fault` stream: below errorRate x 2^32 it carries one
 * record-level fault; below (errorRate + multipleRate) x 2^32 it is a multiple application (it
 * reuses the first applicant of another instruction); otherwise it is clean. A planted fault is
 * always the only thing wrong with its record, so it is the reason ingest gives (the first
 * failing rule, validate/detail-rules.ts).
 *
 * A multiple application's other instruction (its "target") is drawn from the whole book and must
 * itself be clean, so the set rejected MULTIPLE_APPLICATION at allocation is exactly the sources
 * plus their distinct targets (two sources may share a target: three instructions, one person).
 */
import type { ReasonCode } from '../domain/reasons';
import type { Channel } from '../domain/types';
import { SeededRandom, STREAM } from './seeded-random';

export type PlantedFault = Extract<ReasonCode,
  | 'AMOUNT_INCORRECT' | 'QUANTITY_NOT_PERMITTED' | 'QUANTITY_OVER_CAP' | 'HKID_CHECK_DIGIT' | 'OUTSIDE_WINDOW'
  | 'REF_REUSED' | 'STOCK_ACCOUNT_MISSING' | 'REFUND_ACCOUNT_INVALID' | 'PAYMENT_LATE'>;

/** Faults planted on CCASS channels' records, drawn with equal chance. */
export const CCASS_FAULTS: readonly PlantedFault[] = [
  'AMOUNT_INCORRECT', 'QUANTITY_NOT_PERMITTED', 'QUANTITY_OVER_CAP', 'HKID_CHECK_DIGIT', 'OUTSIDE_WINDOW', 'REF_REUSED', 'STOCK_ACCOUNT_MISSING',
];
/** Faults planted on White Form records. */
export const WHITE_FORM_FAULTS: readonly PlantedFault[] = [
  'AMOUNT_INCORRECT', 'QUANTITY_NOT_PERMITTED', 'QUANTITY_OVER_CAP', 'HKID_CHECK_DIGIT', 'OUTSIDE_WINDOW', 'REF_REUSED', 'REFUND_ACCOUNT_INVALID', 'PAYMENT_LATE',
];

/** What a record is planned to be. */
export const Plan = { Clean: 0, Fault: 1, Multiple: 2 } as const;
export type Plan = (typeof Plan)[keyof typeof Plan];

/** Decides, for any record index, whether it is clean, faulty or a multiple application. */
export class FaultPlanner {
  private readonly rng: SeededRandom;
  private readonly targetRng: SeededRandom;
  private readonly errorThreshold: number;
  private readonly multipleThreshold: number;

  constructor(
    key: Uint32Array,
    private readonly instructions: number,
    errorRate: number,
    multipleRate: number,
    private readonly canQuantityNotPermitted: boolean,
  ) {
    this.rng = new SeededRandom(key);
    this.targetRng = new SeededRandom(key);
    this.errorThreshold = Math.floor(errorRate * 4294967296);
    this.multipleThreshold = this.errorThreshold + Math.floor(multipleRate * 4294967296);
  }

  planOf(index: number): Plan {
    if (this.multipleThreshold === 0) return Plan.Clean;
    const u = this.rng.reset(STREAM.fault, index).next();
    return u < this.errorThreshold ? Plan.Fault : u < this.multipleThreshold ? Plan.Multiple : Plan.Clean;
  }

  /**
   * The fault of a record planned Fault. `position` is the record's place in its file: a reused
   * ref is the previous line's, so the first line of a file gets another fault.
   */
  faultOf(index: number, channel: Channel, position: number): { fault: PlantedFault; word: number } {
    this.rng.reset(STREAM.fault, index).next();
    const kinds = channel === 'WHITE_FORM' ? WHITE_FORM_FAULTS : CCASS_FAULTS;
    let fault = kinds[this.rng.below(kinds.length)]!;
    if ((fault === 'REF_REUSED' && position === 0) || (fault === 'QUANTITY_NOT_PERMITTED' && !this.canQuantityNotPermitted)) {
      fault = 'AMOUNT_INCORRECT';
    }
    return { fault, word: this.rng.next() };
  }

  /**
   * The clean instruction a multiple application `index` reuses the applicant of, and how
   * (`joint`: as a joint applicant rather than the first; `variant`: a word for how the number is
   * written); null when none was found (the record is then written clean).
   */
  targetOf(index: number): { target: number; joint: boolean; variant: number } | null {
    if (this.instructions < 2) return null;
    const t = this.targetRng.reset(STREAM.target, index);
    for (let attempt = 0; attempt < 16; attempt++) {
      let j = t.below(this.instructions - 1);
      if (j >= index) j += 1;
      if (this.planOf(j) === Plan.Clean) return { target: j, joint: t.below(2) === 1, variant: t.next() };
    }
    return null;
  }
}
