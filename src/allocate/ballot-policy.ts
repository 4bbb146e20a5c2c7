/**
 * The ballot policy file (`--ballot-policy FILE`, docs/ballot.md): JSON, one entry per pool, each
 * exactly one of `{"first_row_pct": "5.00"}` or `{"exponent": 0.62}`, e.g.
 * `{"A": {"first_row_pct": "5.00"}, "B": {"exponent": 1}}`. Validated by zod at the edge with
 * one-line messages; unknown keys are errors. Pure: the caller reads the file.
 */
import { z } from 'zod';
import type { BallotPolicy, PoolBallotPolicy } from '../domain/allocation';
import { ConfigInvalidError } from '../domain/errors';
import { describeConfigIssues } from '../offering/config-issues';

/** More than 0, at most 100, at most four decimals, written as text ("5.00", "0.1", "100"). */
const PERCENT_TEXT = /^(0|[1-9][0-9]?)(\.[0-9]{1,4})?$|^100(\.0{1,4})?$/;

const poolPolicySchema = z.strictObject({
  first_row_pct: z.string({ error: 'first_row_pct must be a percentage written as text, e.g. "5.00"' })
    .regex(PERCENT_TEXT, 'first_row_pct must be a percentage written as text with at most 4 decimals, from above 0 to 100, e.g. "5.00"')
    .refine((v) => /[1-9]/.test(v), 'first_row_pct must be more than 0')
    .optional(),
  exponent: z.number({ error: 'exponent must be a number, e.g. 0.62' })
    .gt(0, 'exponent must be more than 0')
    .max(1, 'exponent must be at most 1 (1 is plain pro rata)')
    .optional(),
}).superRefine((p, ctx) => {
  if ((p.first_row_pct === undefined) === (p.exponent === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give exactly one of first_row_pct (e.g. "5.00") or exponent (e.g. 0.62)' });
  }
});

export const ballotPolicySchema = z.strictObject({ A: poolPolicySchema.optional(), B: poolPolicySchema.optional() });

function toPolicy(parsed: z.infer<typeof ballotPolicySchema>): BallotPolicy {
  const policy: BallotPolicy = {};
  for (const pool of ['A', 'B'] as const) {
    const p = parsed[pool];
    if (p === undefined) continue;
    policy[pool] = p.first_row_pct !== undefined ? { first_row_pct: p.first_row_pct } : { exponent: p.exponent! };
  }
  return policy;
}

/** Checks an already-parsed value (the file's JSON, or the policy recorded in summary.json). */
export function ballotPolicyFrom(raw: unknown, source: string): BallotPolicy {
  const result = ballotPolicySchema.safeParse(raw);
  if (!result.success) throw new ConfigInvalidError(`${source}: ${describeConfigIssues(result.error.issues)}`);
  return toPolicy(result.data);
}

export function parseBallotPolicy(text: string, source = 'ballot policy'): BallotPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigInvalidError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  return ballotPolicyFrom(raw, source);
}

/** `first_row_pct 5.00`, `exponent 0.62`, or `offering default` (none given). */
export function describePoolPolicy(given: PoolBallotPolicy | null): string {
  if (given === null) return 'offering default';
  return 'first_row_pct' in given ? `first_row_pct ${given.first_row_pct}` : `exponent ${given.exponent}`;
}
