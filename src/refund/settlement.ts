/**
 * Settles every stored instruction once: its final status, pool, shares allotted and money
 * (paid, kept, refund). Every output file is a mapping over these settlements, so the files
 * cannot disagree with each other. Pure: no I/O, no clock, no randomness.
 *
 * Money (docs/money.md): kept = amount payable for the shares allotted at the final price (0 for
 * none); refund = paid - kept. A rejected instruction keeps nothing and its refund is the amount
 * paid as given; one whose amount cannot be read as money (or is negative) is settled for a
 * manual refund instead (refund null).
 */
import type { Allocation } from '../domain/allocation';
import type { PoolName, StoredInstruction } from '../domain/types';
import { InvariantError } from '../domain/errors';
import { Decimal, parseMoney } from '../money/money';
import { amountPayable, FeeRate } from '../money/amount-payable';

export type ResultStatus = 'ALLOTTED' | 'UNSUCCESSFUL' | 'REJECTED';
export type RefundReason = 'REJECTED' | 'UNSUCCESSFUL' | 'PARTIAL' | 'PRICE_ADJUSTMENT' | 'LAPSED';

export interface Settlement {
  instruction: StoredInstruction;
  /** `participant_id/instruction_ref`, the application key shared with the allocation. */
  key: string;
  status: ResultStatus;
  /** The rejection's reason code, '' when not rejected. */
  reason_code: string;
  /** The pool of a valid application; null for any rejected instruction (it never entered a pool). */
  pool: PoolName | null;
  shares_allotted: number;
  /** The amount paid; null when it cannot be read as a non-negative amount of money (manual refund). */
  amount_paid: Decimal | null;
  /** The amount payable for the shares allotted at the final price; 0 for none. */
  amount_kept: Decimal;
  /** paid - kept; null for a manual refund. */
  refund: Decimal | null;
  /** Why there is a refund; null when the refund is zero or manual. */
  refund_reason: RefundReason | null;
}

export interface SettlementInput {
  instructions: readonly StoredInstruction[];
  /** Keys of otherwise valid instructions rejected as multiple applications. */
  multiples: ReadonlySet<string>;
  allocation: Allocation;
  /** The final price; null when the offering lapsed (nothing is kept, every valid application refunded in full). */
  finalPrice: string | null;
  fees: readonly FeeRate[];
}

export function applicationKey(i: Pick<StoredInstruction, 'participant_id' | 'instruction_ref'>): string {
  return `${i.participant_id}/${i.instruction_ref}`;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The results order (spec: outputs.md): participant_id, instruction_ref, then file_seq and line. */
export function compareInstructions(a: StoredInstruction, b: StoredInstruction): number {
  return (
    byCodeUnits(a.participant_id, b.participant_id) ||
    byCodeUnits(a.instruction_ref, b.instruction_ref) ||
    a.file_seq - b.file_seq ||
    a.line - b.line
  );
}

export function sortInstructions(instructions: readonly StoredInstruction[]): StoredInstruction[] {
  return [...instructions].sort(compareInstructions);
}

/** Money as paid: null when not readable as money, or negative (nothing sensible to pay back). */
function readPaid(i: StoredInstruction): Decimal | null {
  const paid = i.amount_paid === null ? null : parseMoney(i.amount_paid);
  return paid !== null && !paid.lt(0) ? paid : null;
}

function settleRejected(i: StoredInstruction, key: string, reason_code: string): Settlement {
  const paid = readPaid(i);
  return {
    instruction: i, key, status: 'REJECTED', reason_code, pool: null, shares_allotted: 0,
    amount_paid: paid, amount_kept: new Decimal(0), refund: paid,
    refund_reason: paid !== null && paid.gt(0) ? 'REJECTED' : null,
  };
}

function settleValid(i: StoredInstruction, key: string, input: SettlementInput): Settlement {
  const allotment = input.allocation.allotments.get(key);
  if (!allotment) throw new InvariantError(`valid application ${key} has no allotment`);
  const applied = i.shares;
  const paid = i.amount_paid === null ? null : parseMoney(i.amount_paid);
  if (applied === null || paid === null || paid.lt(0)) throw new InvariantError(`valid application ${key} has no readable shares or amount`);
  if (input.finalPrice === null) {
    // The offering lapsed: nothing allotted, the amount paid refunded in full.
    return {
      instruction: i, key, status: 'UNSUCCESSFUL', reason_code: 'OFFERING_LAPSED', pool: allotment.pool, shares_allotted: 0,
      amount_paid: paid, amount_kept: new Decimal(0), refund: paid, refund_reason: paid.gt(0) ? 'LAPSED' : null,
    };
  }
  const allotted = allotment.shares_allotted;
  if (!Number.isSafeInteger(allotted) || allotted < 0 || allotted > applied) {
    throw new InvariantError(`application ${key}: ${allotted} shares allotted of ${applied} applied for`);
  }
  const kept = allotted > 0 ? amountPayable(allotted, input.finalPrice, input.fees) : new Decimal(0);
  const refund = paid.minus(kept);
  // Paid was checked at ingest to be the amount payable at the maximum price, which is at least the final price.
  if (refund.lt(0)) throw new InvariantError(`application ${key}: amount kept ${kept.toFixed(2)} exceeds amount paid ${paid.toFixed(2)}`);
  const refund_reason: RefundReason | null = !refund.gt(0)
    ? null
    : allotted === 0 ? 'UNSUCCESSFUL' : allotted < applied ? 'PARTIAL' : 'PRICE_ADJUSTMENT';
  return {
    instruction: i, key, status: allotted > 0 ? 'ALLOTTED' : 'UNSUCCESSFUL', reason_code: '',
    pool: allotment.pool, shares_allotted: allotted, amount_paid: paid, amount_kept: kept, refund, refund_reason,
  };
}

/** Settles every instruction, in the results order. */
export function settleInstructions(input: SettlementInput): Settlement[] {
  const settled: Settlement[] = [];
  const validKeys = new Set<string>();
  for (const i of sortInstructions(input.instructions)) {
    const key = applicationKey(i);
    if (i.status === 'REJECTED') {
      settled.push(settleRejected(i, key, i.reason_code ?? ''));
      continue;
    }
    if (validKeys.has(key)) throw new InvariantError(`two accepted instructions share the key ${key}`);
    validKeys.add(key);
    settled.push(input.multiples.has(key) ? settleRejected(i, key, 'MULTIPLE_APPLICATION') : settleValid(i, key, input));
  }
  for (const key of input.allocation.allotments.keys()) {
    if (!validKeys.has(key) || input.multiples.has(key)) throw new InvariantError(`allotment for ${key}, which is not a valid application`);
  }
  return settled;
}
