/**
 * The allocation step, under the book's lifecycle (pipeline/book.ts): the durable book (every
 * stored instruction) + participant registry + offering + parameters -> the contents of every
 * output file, written into `<work>/allocation/`, and the book recorded as allocated (or lapsed).
 *
 *   1. plan      may this allocation be written? (src/book/lifecycle.ts: a second one unasked, or
 *                one after a lapse, is refused naming the first; the same one again is a no-op)
 *   2. close     an open book is closed now; the files in its inboxes at this instant (the
 *                arrivals) are ingested first, with the lists closed. Before closing, the outputs
 *                are derived once, so parameters the allocation refuses stop everything with
 *                nothing written.
 *   3. intent    `allocating` recorded with the parameters (a crash is finished by repeating the
 *                same command, never replaced by another silently)
 *   4. keep      a superseded allocation is copied to allocation/superseded/<n>/ byte for byte
 *   5. write     the output files (io/outputs.ts: manifest last)
 *   6. final     `allocated` recorded with the parameters, the book's hash and the manifest's hash
 *
 * The caller holds the work-folder lock (pipeline/book.ts holdWorkFolder).
 * deriveAllocationOutputs and deriveLapseOutputs are pure.
 */
import * as path from 'node:path';
import { allocate, allocateNothing, countQuantities, findMultipleApplications, planAllocation as planTheAllocation } from '../allocate';
import type { TrancheSizing } from '../domain/allocation';
import { FinalTransition, Lifecycle, OutcomePlan, planAllocation, planLapse, Supersession, Transition, viewOf } from '../book/lifecycle';
import type { Application, ParticipantRegistry, StoredInstruction } from '../domain/types';
import type { Offering } from '../offering/schema';
import { buildOutputFiles, OutputFiles } from '../refund/output-files';
import { MANIFEST_NAME, sha256Hex } from '../refund/manifest';
import { applicationKey, sortInstructions } from '../refund/settlement';
import type { Summary } from '../refund/summary';
import { listStoredFiles } from '../io/store';
import { allocationDir, archiveOutputFolder, readOutputFolder } from '../io/outputs';
import { FileSinks } from '../io/output-sinks';
import { compactQuantities } from '../allocate/compact-allocation';
import { IngestedBook } from './ingested-book';
import { AllocationProgress, BookDerivation, deriveAllocation, deriveLapse, readCompactBook, StoredBook, writeAllocationFiles } from './allocation-files';
import { ingestInbox, IngestReport } from './ingest';
import type { FileReport } from './ingest-report';
import { actorAt, addTransition, BookActor, closeBook, loadBook, recordInbox, rememberInbox } from './book';
import { arrivalsInInboxes, ingestArrivals } from './close';
import { InvariantError } from '../domain/errors';
import { AllocationParameters, allocationRecord } from './allocation-parameters';

export * from './allocation-parameters';

/** Accepted instructions minus the multiple applications become the applications of the draw. */
export function selectApplications(instructions: readonly StoredInstruction[]): { multiples: Set<string>; applications: Application[] } {
  const accepted = sortInstructions(instructions).filter((i) => i.status === 'ACCEPTED');
  const multiples = findMultipleApplications(accepted.map((i) => ({ key: applicationKey(i), applicant_ids: i.applicant_ids })));
  const applications = accepted
    .filter((i) => !multiples.has(applicationKey(i)))
    .map((i): Application => ({
      key: applicationKey(i), participant_id: i.participant_id, instruction_ref: i.instruction_ref, channel: i.channel, shares: i.shares ?? 0,
    }));
  return { multiples, applications };
}

/** Pure: the book and the parameters -> every output file's content. */
export function deriveAllocationOutputs(instructions: readonly StoredInstruction[], p: AllocationParameters): OutputFiles {
  const { multiples, applications } = selectApplications(instructions);
  const allocation = allocate({
    applications, offering: p.offering, finalPrice: p.finalPrice, seed: p.seed,
    ...(p.reallocateShares !== null ? { reallocateShares: p.reallocateShares } : {}),
    ...(p.ballotPolicy ? { ballotPolicy: p.ballotPolicy } : {}),
  });
  return buildOutputFiles({
    instructions, multiples, allocation, registry: p.registry, offering: p.offering, finalPrice: p.finalPrice, reallocateShares: p.reallocateShares,
  });
}

/** Pure: the book of a lapsed offering -> the output files (nothing allotted, all refunded). */
export function deriveLapseOutputs(instructions: readonly StoredInstruction[], p: { offering: Offering; registry: ParticipantRegistry; reason: string }): OutputFiles {
  const { multiples, applications } = selectApplications(instructions);
  const allocation = allocateNothing({ applications, offering: p.offering });
  return buildOutputFiles({
    instructions, multiples, allocation, registry: p.registry, offering: p.offering, finalPrice: null, reallocateShares: null, lapse: { reason: p.reason },
  });
}

export interface AllocateReport {
  dir: string;
  summary: Summary;
  /** The close made by this command (null when the book was closed before). */
  closed: { at: string; arrivals: number; ingest: IngestReport[] } | null;
  /** Set when the same allocation was already final: nothing was written. */
  already: FinalTransition | null;
  /** Where the allocation this one replaced is kept, when it replaced one. */
  superseded: Supersession | null;
}

export interface OutcomeOptions {
  actor: BookActor;
  /** `--supersede --reason TEXT`: replace a final allocation (or lapse), keeping it. */
  supersede?: { reason: string } | null;
  /** Inboxes feeding the book (recorded; the close looks for arrivals there). */
  inboxes?: readonly string[];
  /**
   * Who ingests the close's arrivals: `ingest`, this process (the embedded commands, holding the
   * work folder alone); `ingested`, the BullMQ workers that hold them, before this runs (the
   * distributed close waits for them; one still in an inbox here is an invariant broken).
   * @defaultValue 'ingest'
   */
  arrivals?: 'ingest' | 'ingested';
  /** Where the allocation is, for a progress line (cli/progress.ts). */
  progress?: AllocationProgress;
  /** `run`: the book as its ingest kept it (ingested-book.ts), read instead of the store when it is the store's. */
  ingested?: IngestedBook;
}

const storeFingerprint = async (work: string) => (await listStoredFiles(work)).map((m) => `${m.participant_id}/${m.file_sha256}`).join('\n');

interface Outcome<T> {
  plan: OutcomePlan;
  l: Lifecycle;
  closed: AllocateReport['closed'];
  outputs: T | null;
}

/**
 * Steps 1-2, shared by allocate and lapse: the plan, and the close with its arrivals when the
 * book is still open. `derive` is run before closing (refused parameters write nothing) and again
 * only if the arrivals changed the book.
 */
async function planAndClose<T>(
  work: string, offering: Offering, registry: ParticipantRegistry, o: OutcomeOptions,
  plan: (l: Lifecycle) => OutcomePlan, derive: (read: StoredBook) => T,
): Promise<Outcome<T>> {
  let l = await loadBook(work, offering, o.actor);
  for (const inbox of o.inboxes ?? []) l = rememberInbox(l, inbox);
  let planned = plan(l);
  let outputs: T | null = null;
  let closed: AllocateReport['closed'] = null;
  const before = await storeFingerprint(work);
  if (planned.kind === 'close-first') {
    outputs = derive(await readCompactBook(work, o.progress, undefined, o.ingested));
    l = await closeBook(work, l, o.actor);
    const c = viewOf(l).closed!;
    closed = { at: c.at, arrivals: c.arrivals.length, ingest: [] };
    planned = plan(l);
  }
  if (planned.kind === 'already') return { plan: planned, l, closed, outputs: null };
  const ingest = o.arrivals === 'ingested' ? await requireArrivalsIngested(l) : await ingestArrivals(work, l, { offering, registry }, o.actor);
  if (closed) closed.ingest = ingest;
  if (outputs === null || (await storeFingerprint(work)) !== before) outputs = derive(await readCompactBook(work, o.progress, undefined, o.ingested));
  return { plan: planned, l, closed, outputs };
}

async function requireArrivalsIngested(l: Lifecycle): Promise<IngestReport[]> {
  const waiting = await arrivalsInInboxes(l);
  if (waiting.length > 0) throw new InvariantError(`${waiting.length} file(s) that arrived before the close are still in the inboxes (${waiting[0]!.arrival.folder}/${waiting[0]!.arrival.name}...): the allocation must wait for them`);
  return [];
}

/** Steps 3-6: intent, keep the superseded outputs, write, record the final transition. */
async function writeOutcome(
  work: string, l: Lifecycle, plan: Extract<OutcomePlan, { kind: 'write' }>, outputs: BookDerivation, actor: BookActor,
  intent: (supersedes: Supersession | null) => Transition, final: (supersedes: Supersession | null, manifestSha256: string) => Transition,
  progress?: AllocationProgress,
): Promise<void> {
  const replaced = viewOf(l).final;
  let book = l;
  if (!plan.resume) book = await addTransition(work, book, intent(plan.supersedes), actor);
  if (plan.supersedes && replaced) {
    await archiveOutputFolder(allocationDir(work), path.join(work, plan.supersedes.folder), MANIFEST_NAME, replaced.manifest_sha256);
  }
  const written = await writeAllocationFiles(work, outputs, await FileSinks.prepare(allocationDir(work), MANIFEST_NAME), progress);
  await addTransition(work, book, final(plan.supersedes, sha256Hex(written.manifest)), actor);
}

async function readSummary(work: string): Promise<Summary> {
  const bytes = (await readOutputFolder(allocationDir(work), ['summary.json'])).get('summary.json');
  return JSON.parse(bytes?.toString('utf8') ?? '{}') as Summary;
}

/** Allocates the book: close (with its arrivals) if still open, then write and record. */
export async function allocateBook(work: string, p: AllocationParameters, o: OutcomeOptions): Promise<AllocateReport> {
  const record = allocationRecord(p);
  const supersede = o.supersede ?? null;
  const out = await planAndClose(work, p.offering, p.registry, o, (l) => planAllocation(l, record, supersede), (read) => deriveAllocation(read, p));
  const dir = allocationDir(work);
  if (out.plan.kind === 'already') return { dir, summary: await readSummary(work), closed: out.closed, already: out.plan.final, superseded: null };
  if (out.plan.kind !== 'write' || !out.outputs) throw new Error('unreachable: the book was closed above');
  const outputs = out.outputs;
  await writeOutcome(work, out.l, out.plan, outputs, o.actor,
    (supersedes) => ({ ...actorAt(o.actor), to: 'allocating', parameters: record, supersedes }),
    (supersedes, manifest_sha256) => ({ ...actorAt(o.actor), to: 'allocated', parameters: record, supersedes, book_sha256: outputs.summary.draw.book_sha256, manifest_sha256 }), o.progress);
  return { dir, summary: outputs.summary, closed: out.closed, already: null, superseded: out.plan.supersedes };
}

export interface PreparedAllocation {
  /** Set when the same allocation was already final: nothing to write. */
  already: FinalTransition | null;
  /** The tranche the allocation will size (null when already final). */
  sizing: TrancheSizing | null;
  valid_applications: number | null;
}

/**
 * Pure: checks the parameters against the book without drawing (the reallocation rules need the
 * demand, a ballot policy the pools' sizes): the plan `preview` shows. Throws UsageError as
 * allocate does.
 */
export function checkAllocationParameters(read: StoredBook, p: AllocationParameters): { sizing: TrancheSizing; valid_applications: number } {
  const plan = planTheAllocation({
    quantities: compactQuantities(read.book), offering: p.offering, finalPrice: p.finalPrice,
    ...(p.reallocateShares !== null ? { reallocateShares: p.reallocateShares } : {}),
    ...(p.ballotPolicy ? { ballotPolicy: p.ballotPolicy } : {}),
  });
  return { sizing: plan.sizing, valid_applications: read.book.keyOrder.length };
}

/**
 * Steps 1-3 only: the plan, the close (if the book is still open) and the intent (`allocating`)
 * recorded with the parameters, once they were checked against the book (parameters the
 * allocation refuses stop here with nothing recorded). The distributed close's `allocate` job;
 * its `export` job then derives and writes the files with allocateBook, which finds the intent
 * and resumes it (the book is derived once).
 */
export async function prepareAllocation(work: string, p: AllocationParameters, o: OutcomeOptions): Promise<PreparedAllocation> {
  const record = allocationRecord(p);
  const out = await planAndClose(work, p.offering, p.registry, o, (l) => planAllocation(l, record, o.supersede ?? null), (i) => checkAllocationParameters(i, p));
  if (out.plan.kind === 'already') return { already: out.plan.final, sizing: null, valid_applications: null };
  if (out.plan.kind !== 'write' || !out.outputs) throw new Error('unreachable: the book was closed above');
  const plan = out.plan;
  if (!plan.resume) await addTransition(work, out.l, { ...actorAt(o.actor), to: 'allocating', parameters: record, supersedes: plan.supersedes }, o.actor);
  return { already: null, sizing: out.outputs.sizing, valid_applications: out.outputs.valid_applications };
}

/** The offering lapsed: nothing allotted, every amount paid refunded, through the usual files. */
export async function lapseBook(work: string, p: { offering: Offering; registry: ParticipantRegistry; reason: string }, o: OutcomeOptions): Promise<AllocateReport> {
  const out = await planAndClose(work, p.offering, p.registry, o, (l) => planLapse(l, p.reason), (read) => deriveLapse(read, p));
  const dir = allocationDir(work);
  if (out.plan.kind === 'already') return { dir, summary: await readSummary(work), closed: out.closed, already: out.plan.final, superseded: null };
  if (out.plan.kind !== 'write' || !out.outputs) throw new Error('unreachable: the book was closed above');
  await writeOutcome(work, out.l, out.plan, out.outputs, o.actor,
    (supersedes) => ({ ...actorAt(o.actor), to: 'lapsing', reason: p.reason, supersedes }),
    (supersedes, manifest_sha256) => ({ ...actorAt(o.actor), to: 'lapsed', reason: p.reason, supersedes, manifest_sha256 }), o.progress);
  return { dir, summary: out.outputs.summary, closed: out.closed, already: null, superseded: out.plan.supersedes };
}

/**
 * `run`: ingest the inbox with the application lists closed (a file without a trailer is now
 * incomplete for good), then allocate, in one process. Arguments were checked by the caller
 * before this starts, so a bad final price writes nothing at all.
 */
export async function runBook(
  inboxDir: string, work: string, p: AllocationParameters, o: OutcomeOptions & { onIngestFile?: (r: FileReport) => void },
): Promise<{ ingest: IngestReport; allocation: AllocateReport }> {
  await recordInbox(work, await loadBook(work, p.offering, o.actor, true), inboxDir, o.actor);
  // The book as ingested: the allocation reads it instead of the store when nothing else is stored.
  const ingested = new IngestedBook();
  const ingest = await ingestInbox({
    offering: p.offering, participants: p.registry, inboxDir, workDir: work, closeLists: true, ingested,
    ...(o.actor.logger ? { logger: o.actor.logger } : {}), ...(o.onIngestFile ? { onProgress: o.onIngestFile } : {}),
  });
  const allocation = await allocateBook(work, p, { ...o, ingested });
  return { ingest, allocation };
}
