/**
 * `preview`: the allocation plan for a final price, reallocation and ballot policy, from the kept
 * book, without closing the book, drawing or writing anything. The same selection of valid
 * applications (multiple applications out) and the same planAllocation as `allocate`, so the
 * table shown is the table allocate then writes (docs/ballot.md, "Preview").
 */
import { countQuantities, planAllocation, type AllocationPlan } from '../allocate';
import type { BallotPolicy } from '../domain/allocation';
import { UsageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { readStoredInstructions } from '../io/store';
import { selectApplications } from './allocate';

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
export function planPreviews(instructions: Parameters<typeof selectApplications>[0], p: Omit<PreviewParameters, 'ballotPolicy'>, policies: readonly (BallotPolicy | null)[]): PolicyPreview[] {
  const { multiples, applications } = selectApplications(instructions);
  const quantities = countQuantities(applications);
  return policies.map((policy): PolicyPreview => {
    try {
      const plan = planAllocation({
        quantities, offering: p.offering, finalPrice: p.finalPrice,
        ...(p.reallocateShares !== null ? { reallocateShares: p.reallocateShares } : {}),
        ...(policy !== null ? { ballotPolicy: policy } : {}),
      });
      return { plan, multipleApplications: multiples.size };
    } catch (e) {
      if (e instanceof UsageError && policies.length > 1) return { error: e };
      throw e;
    }
  });
}

/** The preview for one policy (an unaffordable policy throws its UsageError). */
export async function previewBook(work: string, p: PreviewParameters): Promise<PreviewResult> {
  return planPreviews(await readStoredInstructions(work), p, [p.ballotPolicy])[0] as PreviewResult;
}

/** Several policies over one reading of the book, in the order given; each may fail on its own. */
export async function previewPolicies(work: string, p: Omit<PreviewParameters, 'ballotPolicy'>, policies: readonly (BallotPolicy | null)[]): Promise<PolicyPreview[]> {
  return planPreviews(await readStoredInstructions(work), p, policies);
}
