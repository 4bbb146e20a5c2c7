/**
 * `preview`: the allocation plan for a final price, reallocation and ballot policy, from the kept
 * book, without closing the book, drawing or writing anything. The same selection of valid
 * applications (multiple applications out) and the same planAllocation as `allocate`, so the
 * table shown is the table allocate then writes (docs/ballot.md, "Preview").
 */
import { planAllocation, type AllocationPlan } from '../allocate';
import type { BallotPolicy } from '../domain/allocation';
import { UsageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { readCompactBook } from './allocation-files';
import { BookInput, demandOf, demandOfCompactBook } from './book-demand';

export interface PreviewParameters {
  offering: Offering;
  /** Normalised by normaliseFinalPrice. */
  finalPrice: string;
  reallocateShares: number | null;
  ballotPolicy: BallotPolicy | null;
}

export interface PreviewResult {
  plan: AllocationPlan;
  multipleApplications: number;
}

/** One of several policies tried: its plan, or why the pool cannot take it (UsageError). */
export type PolicyPreview = PreviewResult | { error: UsageError };

/**
 * Pure: the plans for a book already read, one per ballot policy to try (the book is selected
 * once; each further policy costs only its plan, well under a second on a million applications).
 */
export function planPreviews(book: BookInput, p: Omit<PreviewParameters, 'ballotPolicy'>, policies: readonly (BallotPolicy | null)[]): PolicyPreview[] {
  const { multiple, quantities } = demandOf(book);
  return policies.map((policy): PolicyPreview => {
    try {
      const plan = planAllocation({
        quantities, offering: p.offering, finalPrice: p.finalPrice,
        ...(p.reallocateShares !== null ? { reallocateShares: p.reallocateShares } : {}),
        ...(policy !== null ? { ballotPolicy: policy } : {}),
      });
      return { plan, multipleApplications: multiple };
    } catch (e) {
      if (e instanceof UsageError && policies.length > 1) return { error: e };
      throw e;
    }
  });
}

/** The preview for one policy (an unaffordable policy throws its UsageError). */
export async function previewBook(work: string, p: PreviewParameters): Promise<PreviewResult> {
  return planPreviews(await readDemand(work), p, [p.ballotPolicy])[0] as PreviewResult;
}

/** Several policies over one reading of the book, in the order given; each may fail on its own. */
export async function previewPolicies(work: string, p: Omit<PreviewParameters, 'ballotPolicy'>, policies: readonly (BallotPolicy | null)[]): Promise<PolicyPreview[]> {
  return planPreviews(await readDemand(work), p, policies);
}

/** The book's demand from its compact form (pass 1 of the allocation), never the instructions as objects. */
async function readDemand(work: string) {
  return demandOfCompactBook((await readCompactBook(work)).book);
}
