/**
 * `preview`: the allocation plan for a final price, reallocation and ballot policy, from the kept
 * book, without closing the book, drawing or writing anything. The same selection of valid
 * applications (multiple applications out) and the same planAllocation as `allocate`, so the
 * table shown is the table allocate then writes (docs/ballot.md, "Preview").
 */
import { countQuantities, planAllocation, type AllocationPlan } from '../allocate';
import type { BallotPolicy } from '../domain/allocation';
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

/** Pure: the plan for a book already read. */
export function planPreview(instructions: Parameters<typeof selectApplications>[0], p: PreviewParameters): PreviewResult {
  const { multiples, applications } = selectApplications(instructions);
  const plan = planAllocation({
    quantities: countQuantities(applications), offering: p.offering, finalPrice: p.finalPrice,
    ...(p.reallocateShares !== null ? { reallocateShares: p.reallocateShares } : {}),
    ...(p.ballotPolicy !== null ? { ballotPolicy: p.ballotPolicy } : {}),
  });
  return { plan, multipleApplications: multiples.size };
}

export async function previewBook(work: string, p: PreviewParameters): Promise<PreviewResult> {
  return planPreview(await readStoredInstructions(work), p);
}
