/**
 * What the publishing side reads of an allocation besides results and refunds: the facts of
 * summary.json (checked by a zod schema that names only the fields used, so fields added later
 * change nothing) and the rows of basis-of-allocation.csv (by column name). Pure.
 */
import { z } from 'zod';
import { InvariantError } from '../domain/errors';

const count = z.number().int().nonnegative();
const poolSchema = z.object({
  size_shares: count,
  demand_shares: count,
  valid_applications: count,
  allotted_shares: count,
  successful_applications: count,
  oversubscribed: z.boolean(),
});

export const publishedSummarySchema = z.object({
  offering: z.object({ stock_code: z.string(), issuer: z.string(), share_class: z.string().nullable() }),
  /** null when the offering lapsed (`lapse`: nothing allotted, no final price). */
  final_price: z.string().regex(/^[0-9]+(\.[0-9]+)?$/).nullable(),
  instructions: z.object({ total: count, valid: count, rejected: count, rejected_by_reason: z.record(z.string(), count) }),
  applications: z.object({ valid: count, successful: count, unsuccessful: count }),
  demand_shares: count,
  subscription_multiple: z.string(),
  clawback: z.object({ min_multiple: z.number(), hong_kong_pct: z.string() }).nullable(),
  reallocated_shares: count,
  hong_kong_tranche: z.object({ initial_shares: count, final_shares: count, shortfall_to_international_shares: count }),
  pools: z.object({ A: poolSchema, B: poolSchema }),
  shares_allotted: z.object({ A: count, B: count, total: count }),
  manual_refunds: z.array(z.object({ participant_id: z.string(), instruction_ref: z.string() })),
});

export type PublishedSummary = z.infer<typeof publishedSummarySchema>;

export function parsePublishedSummary(json: unknown): PublishedSummary {
  const r = publishedSummarySchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InvariantError(`summary.json: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  return r.data;
}

/** One row of basis-of-allocation.csv, as written there. */
export interface PublishedBasisRow {
  pool: string;
  shares_applied: string;
  valid_applications: string;
  basis: string;
  approx_pct_allotted: string;
}

const BASIS_NEEDS = ['pool', 'shares_applied', 'valid_applications', 'basis', 'approx_pct_allotted'] as const;

/** The rows of basis-of-allocation.csv from its parsed records (header first), by column name. */
export function basisRowsOf(records: readonly (readonly string[])[]): PublishedBasisRow[] {
  const header = records[0];
  if (!header) throw new InvariantError('basis-of-allocation.csv: empty');
  const at = BASIS_NEEDS.map((name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new InvariantError(`basis-of-allocation.csv: no column ${name}`);
    return i;
  });
  return records.slice(1).map((r, n) => {
    const [pool, shares, apps, basis, pct] = at.map((i) => {
      const v = r[i];
      if (v === undefined) throw new InvariantError(`basis-of-allocation.csv line ${n + 2}: fewer fields than the header's`);
      return v;
    });
    return { pool: pool!, shares_applied: shares!, valid_applications: apps!, basis: basis!, approx_pct_allotted: pct! };
  });
}

const manifestSchema = z.object({
  stock_code: z.string(),
  files: z.array(z.object({ name: z.string(), rows: count, bytes: count, sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});

/** What manifest.json vouches for: each output file's name, rows, bytes and SHA-256. */
export type PublishedManifest = z.infer<typeof manifestSchema>;

/** Parses manifest.json's text; a message naming the fault when it is not a manifest. */
export function parsePublishedManifest(text: string): PublishedManifest | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  const r = manifestSchema.safeParse(json);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  return `${i.path.join('.') || '(top level)'}: ${i.message}`;
}

/** A plain file name inside the output folder (no folder, no hidden file). */
export const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** The files the publishing side reads: each must be listed in the manifest. */
export const PUBLISHED_FILES = ['results.csv', 'basis-of-allocation.csv', 'refunds.csv', 'summary.json'] as const;

/**
 * Faults of an output folder against its manifest: a file the publishing side needs that is not
 * listed, and every listed file that is missing or whose size or SHA-256 differs. Empty when the
 * folder is exactly what the manifest says.
 */
export function manifestFaults(manifest: PublishedManifest, digests: ReadonlyMap<string, { sha256: string; bytes: number } | null>): string[] {
  const faults: string[] = [];
  for (const name of PUBLISHED_FILES) if (!manifest.files.some((f) => f.name === name)) faults.push(`${name} is not listed in manifest.json`);
  for (const f of manifest.files) {
    if (!SAFE_NAME.test(f.name)) {
      faults.push(`manifest.json lists ${JSON.stringify(f.name)}, not a file name of the output folder`);
      continue;
    }
    const d = digests.get(f.name);
    if (!d) faults.push(`${f.name} is listed in manifest.json but missing`);
    else if (d.bytes !== f.bytes) faults.push(`${f.name} has ${d.bytes} bytes, manifest.json says ${f.bytes}`);
    else if (d.sha256 !== f.sha256) faults.push(`${f.name} does not match its SHA-256 in manifest.json`);
  }
  return faults;
}
