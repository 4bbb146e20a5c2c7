/**
 * `verify`: re-derives every output file from the kept book and the parameters the book's
 * lifecycle recorded for its final allocation (or lapse), and compares each byte for byte.
 * Read-only: it takes no lock and writes nothing.
 */
import { AllocationRecord, viewOf } from '../book/lifecycle';
import type { ParticipantRegistry } from '../domain/types';
import { UsageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { OUTPUT_FILE_NAMES } from '../refund/output-files';
import { allocationDir, hashOutputFolder, readOutputFolder } from '../io/outputs';
import { HashSinks } from '../io/output-sinks';
import { readLifecycle } from '../io/lifecycle-file';
import { holdsBook } from './book';
import { BookDerivation, deriveAllocation, deriveLapse, readCompactBook, writeAllocationFiles } from './allocation-files';
import { parametersFromRecord, recordFromSummary } from './allocation-parameters';

export type FileVerdict = 'MATCH' | 'DIFFERS' | 'MISSING';

export interface VerifyReport {
  ok: boolean;
  files: { name: string; verdict: FileVerdict }[];
  /** What was re-derived: an allocation's parameters, or the lapse's reason. */
  derived: { kind: 'allocation'; parameters: AllocationRecord } | { kind: 'lapse'; reason: string };
}

/** Re-derives every output file from the kept inputs and compares each byte for byte. */
export async function verifyAllocation(work: string, offering: Offering, registry: ParticipantRegistry): Promise<VerifyReport> {
  if (!(await holdsBook(work))) throw new UsageError(`--work ${work}: holds no book; nothing to verify`);
  const lifecycle = await readLifecycle(work);
  const final = lifecycle ? viewOf(lifecycle).final : null;
  const summaryBytes = (await readOutputFolder(allocationDir(work), ['summary.json'])).get('summary.json') ?? null;
  let derived: VerifyReport['derived'];
  let outputs: BookDerivation;
  if (final?.to === 'lapsed') {
    derived = { kind: 'lapse', reason: final.reason };
    outputs = deriveLapse(await readCompactBook(work), { offering, registry, reason: final.reason });
  } else {
    // A book allocated before lifecycle records existed has its parameters in summary.json only.
    if (final === null && !summaryBytes) {
      throw new UsageError(`nothing to verify: the book is ${lifecycle ? viewOf(lifecycle).state : 'open'}, not allocated`);
    }
    const record = final?.to === 'allocated' ? final.parameters : recordFromSummary(summaryBytes ?? undefined);
    derived = { kind: 'allocation', parameters: record };
    outputs = deriveAllocation(await readCompactBook(work), parametersFromRecord(record, offering, registry));
  }
  // Derived again in a second pass that writes nothing, hashed; each file on disk hashed, streamed.
  const expected = await writeAllocationFiles(work, outputs, new HashSinks());
  const found = await hashOutputFolder(allocationDir(work), OUTPUT_FILE_NAMES);
  const files = expected.files.map(({ name, sha256 }) => {
    const actual = found.get(name);
    const verdict: FileVerdict = !actual ? 'MISSING' : actual === sha256 ? 'MATCH' : 'DIFFERS';
    return { name, verdict };
  });
  return { ok: files.every((f) => f.verdict === 'MATCH'), files, derived };
}
