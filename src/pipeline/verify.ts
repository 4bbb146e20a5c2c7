/**
 * `verify`: re-derives every output file from the kept book and the parameters the book's
 * lifecycle recorded for its final allocation (or lapse), and compares each byte for byte.
 * Read-only: it takes no lock and writes nothing.
 */
import { AllocationRecord, viewOf } from '../book/lifecycle';
import type { ParticipantRegistry } from '../domain/types';
import { UsageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { OUTPUT_FILE_NAMES, OutputFiles } from '../refund/output-files';
import { readStoredInstructions } from '../io/store';
import { allocationDir, readOutputFolder } from '../io/outputs';
import { readLifecycle } from '../io/lifecycle-file';
import { holdsBook } from './book';
import { deriveAllocationOutputs, deriveLapseOutputs } from './allocate';
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
  const found = await readOutputFolder(allocationDir(work), OUTPUT_FILE_NAMES);
  let derived: VerifyReport['derived'];
  let outputs: OutputFiles;
  if (final?.to === 'lapsed') {
    derived = { kind: 'lapse', reason: final.reason };
    outputs = deriveLapseOutputs(await readStoredInstructions(work), { offering, registry, reason: final.reason });
  } else {
    // A book allocated before lifecycle records existed has its parameters in summary.json only.
    if (final === null && !found.get('summary.json')) {
      throw new UsageError(`nothing to verify: the book is ${lifecycle ? viewOf(lifecycle).state : 'open'}, not allocated`);
    }
    const record = final?.to === 'allocated' ? final.parameters : recordFromSummary(found.get('summary.json'));
    derived = { kind: 'allocation', parameters: record };
    outputs = deriveAllocationOutputs(await readStoredInstructions(work), parametersFromRecord(record, offering, registry));
  }
  const files = outputs.files.map(({ name, content }) => {
    const bytes = found.get(name);
    const verdict: FileVerdict = !bytes ? 'MISSING' : bytes.equals(Buffer.from(content, 'utf8')) ? 'MATCH' : 'DIFFERS';
    return { name, verdict };
  });
  return { ok: files.every((f) => f.verdict === 'MATCH'), files, derived };
}
