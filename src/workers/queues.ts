/**
 * The queues of the distributed run, their job data (zod) and their job ids, in one file so that
 * the watcher, the workers and `close` agree on them (docs/redis.md).
 *
 *   ingest       one job per dropped file, never per instruction: the same step as the embedded
 *                ingest (pipeline/drop.ts). Id: `ingest.<participant>.<sha256>` (a later drop of
 *                the same bytes: `.<n>` appended), so a second watcher or a re-scan never queues
 *                the same drop twice; the drop ledger (drop-ledger.ts) guards after a job is removed.
 *   allocate     the distributed close's allocation: waits for every file that arrived before the
 *                close, then records the allocation's intent. Child of the flow.
 *   export       the output files and the final transition. Parent of the flow: it runs only once
 *                its child completed, and fails when the child failed.
 *   provisional  the nightly provisional run (a job scheduler at the offering's hour).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';

import { QUEUE_NAMES, type QueueName } from './queue-names';

export { QUEUE_NAMES, type QueueName } from './queue-names';

const absolutePath = z.string().min(1).refine((p) => path.isAbsolute(p), 'must be an absolute path');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex');

/** The book a job belongs to: paths on the storage every machine shares. */
export const bookRefSchema = z.object({ work: absolutePath, offering: absolutePath, participants: absolutePath });
export type BookRef = z.infer<typeof bookRefSchema>;

export const ingestJobSchema = z.object({
  book: bookRefSchema,
  inbox: absolutePath,
  folder: z.string().min(1),
  name: z.string().min(1),
  sha256,
  /** The drop's id in the participant's ledger: the sha256, or `<sha256>.<n>` for the n-th drop of the same bytes. */
  drop: z.string().regex(/^[0-9a-f]{64}(\.[0-9]+)?$/),
  /** Its place in the participant's drop order. */
  seq: z.number().int().positive(),
});
export type IngestJob = z.infer<typeof ingestJobSchema>;

export const allocationJobSchema = z.object({
  book: bookRefSchema,
  /** Normalised decimal text (normaliseFinalPrice). */
  final_price: z.string().regex(/^(0|[1-9][0-9]*)(\.[0-9]{1,3})?$/),
  seed: z.string().min(1),
  reallocate_shares: z.number().int().nonnegative().nullable(),
  /** The ballot policy as given (JSON), null for the offering's default. */
  ballot_policy: z.unknown().nullable(),
  /** Who ran `close` (recorded in the book's lifecycle). */
  operator: z.string().min(1),
});
export type AllocationJob = z.infer<typeof allocationJobSchema>;

export const provisionalJobSchema = z.object({ book: bookRefSchema });
export type ProvisionalJob = z.infer<typeof provisionalJobSchema>;

/** Job data that does not parse never gets better: the job fails at once, visibly. */
export function parseJobData<T>(schema: z.ZodType<T>, job: Job): T {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UnrecoverableError(`job ${job.id} of ${job.queueName}: ${issue.path.join('.') || 'data'} ${issue.message}`);
  }
  return parsed.data;
}

/** A participant folder as it may appear in a job id (BullMQ ids cannot hold `:`). */
function idPart(folder: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(folder) ? folder : `x${Buffer.from(folder, 'utf8').toString('hex')}`;
}

export function ingestJobId(folder: string, drop: string): string {
  return `ingest.${idPart(folder)}.${drop}`;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);

/** The flow's ids: one allocation per book and parameters, however often `close` is repeated. */
export function allocationJobIds(a: AllocationJob): { allocate: string; export: string } {
  const key = digest(JSON.stringify([a.book.work, a.final_price, a.seed, a.reallocate_shares, a.ballot_policy ?? null]));
  return { allocate: `allocate.${key}`, export: `export.${key}` };
}

export function provisionalSchedulerId(work: string): string {
  return `provisional.${digest(work)}`;
}

/**
 * Retries with backoff for transient faults (Redis away for a while, a storage hiccup): about
 * four minutes in all. Bad input is never retried: it is a result (an acknowledgement), or an
 * UnrecoverableError. Failed jobs are kept, to be seen in `status --redis`.
 */
export const JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 10_000 },
  removeOnFail: false,
} as const;
