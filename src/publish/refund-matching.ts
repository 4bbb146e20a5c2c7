/**
 * Which refunds.csv row belongs to which results.csv row.
 *
 * results.csv and refunds.csv share the key (participant_id, instruction_ref), which is unique
 * except where a participant reused a reference (REF_REUSED): then several result rows share it,
 * in the order of their file_seq and line, and their refunds follow in the same order
 * (docs/formats-output.md: refund references are given in the results order). Not every result
 * row has a refund (allotted in full at the maximum price; an amount paid that could not be read;
 * nothing paid), so inside such a group the refunds are placed on the rows in order, each on a
 * row whose status fits the refund's reason. When more than one placement fits, the rows that
 * could take a refund are UNDETERMINED: the site then says so rather than show one applicant
 * another applicant's money. Pure.
 */

/** The placement of one row of a group: the index of its refund, NONE, or UNDETERMINED. */
export const NO_REFUND = -1;
export const UNDETERMINED = -2;

/** Refund reasons that belong to a result status (spec: outputs.md, refunds.csv `reason`). */
const REASON_STATUS: Readonly<Record<string, string>> = {
  REJECTED: 'REJECTED',
  UNSUCCESSFUL: 'UNSUCCESSFUL',
  PARTIAL: 'ALLOTTED',
  PRICE_ADJUSTMENT: 'ALLOTTED',
};

/** True when a refund with this reason can belong to a result row with this status (an unknown reason fits any). */
export function refundFits(status: string, reason: string): boolean {
  const wanted = REASON_STATUS[reason];
  return wanted === undefined || wanted === status;
}

/** For each refund, the first row (from `from`) it can take, in order; null when they do not all fit. */
function leftmost(statuses: readonly string[], reasons: readonly string[]): number[] | null {
  const at: number[] = [];
  let row = 0;
  for (const reason of reasons) {
    while (row < statuses.length && !refundFits(statuses[row]!, reason)) row += 1;
    if (row >= statuses.length) return null;
    at.push(row);
    row += 1;
  }
  return at;
}

function rightmost(statuses: readonly string[], reasons: readonly string[]): number[] | null {
  const at: number[] = new Array<number>(reasons.length);
  let row = statuses.length - 1;
  for (let i = reasons.length - 1; i >= 0; i--) {
    while (row >= 0 && !refundFits(statuses[row]!, reasons[i]!)) row -= 1;
    if (row < 0) return null;
    at[i] = row;
    row -= 1;
  }
  return at;
}

/**
 * Places the group's refunds (in their order) on its rows (in theirs). Returns, per row, the
 * index of its refund, NO_REFUND or UNDETERMINED; null when the refunds cannot all be placed
 * (the files disagree). Every order-keeping placement lies between the leftmost and the
 * rightmost one, so the placement is unique exactly when those two agree.
 */
export function placeRefunds(statuses: readonly string[], reasons: readonly string[]): number[] | null {
  const left = leftmost(statuses, reasons);
  const right = rightmost(statuses, reasons);
  if (left === null || right === null) return null;
  const placement = new Array<number>(statuses.length).fill(NO_REFUND);
  for (let i = 0; i < reasons.length; i++) {
    if (left[i] === right[i]) placement[left[i]!] = i;
    else for (let row = left[i]!; row <= right[i]!; row++) if (refundFits(statuses[row]!, reasons[i]!)) placement[row] = UNDETERMINED;
  }
  return placement;
}
