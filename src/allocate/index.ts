/** The allocation stage's public API (re-exports only). docs/allocation.md, docs/ballot.md. */
export { allocate, type AllocateInput } from './allocate';
export { findMultipleApplications, normaliseIdentity, type IdentityItem } from './multiple-applications';
export { bookSha256, canonicalBookText, compareKeys, sortByKey, type BookEntry } from './book-hash';
export { describeBasis, approxPctAllotted, basisRows } from './basis';
export { planOversubscribedPool, compareMeans, type PlanRow } from './ballot-plan';
export { solveTargets, type QuantityGroup } from './target-curve';
export { poolOf, splitTranche, sizePools } from './pools';
export { checkFinalPrice, clawbackTier, clawbackTrancheShares, formatSubscriptionMultiple, sizeTranche } from './sizing';
export { DrawStream, drawStream, chooseWinners } from './rng';
export { verifyAllotments } from './invariants';
export { allocateNothing } from './lapse';
export { planAllocation, countQuantities, type AllocationPlan, type AllocationPlanInput, type PoolPlan } from './allocation-plan';
export { planPoolWithPolicy, lotsForPercent, firstRowLots } from './exponent-solve';
export { parseBallotPolicy, ballotPolicyFrom, describePoolPolicy } from './ballot-policy';
