/**
 * Publishing a final allocation: the results index and page model for the results site, and the
 * allotment results announcement's files. Composes assertPublishable (the gate), the streamed
 * reading of the output files (io/publication-files.ts) and the pure code of src/publish/.
 */
import * as path from 'node:path';
import { ConfigInvalidError, StorageError, UsageError } from '../domain/errors';
import type { Offering } from '../offering/schema';
import { streamCsvFile, writeFilesAtomically } from '../io/publication-files';
import { renderAnnouncement } from '../publish/announcement';
import type { IdentityQuery } from '../publish/identity-query';
import { answerLookup, LookupAnswer, LookupContext } from '../publish/lookup-response';
import { basisRowsOf, PublishedBasisRow } from '../publish/published-allocation';
import { publicationWindow, type PublicationPhase } from '../publish/publication-window';
import type { ResultsIndex } from '../publish/results-index';
import { ResultsIndexBuilder } from '../publish/results-index-builder';
import { SiteModel, siteModel } from '../publish/site-page';
import { successfulApplicants, successfulApplicantsCsv } from '../publish/successful-applicants';
import { effectiveAfterClose } from '../validate/timetable';
import { assertPublishable, PublishableAllocation } from './publishable';

/** Streams one output file into `onRecord`, then checks the bytes read are the ones the manifest vouches for. */
async function readVouched(p: PublishableAllocation, name: string, onRecord: (fields: string[], line: number) => void): Promise<void> {
  const entry = p.manifest.files.find((f) => f.name === name);
  if (!entry) throw new StorageError(`${name} is not listed in manifest.json`);
  const digest = await streamCsvFile(path.join(p.dir, name), onRecord);
  if (digest.sha256 !== entry.sha256 || digest.bytes !== entry.bytes) throw new StorageError(`${path.join(p.dir, name)} changed while it was being read`);
}

/** The results index of a publishable allocation: results.csv and refunds.csv streamed once. */
export async function loadResultsIndex(p: PublishableAllocation): Promise<ResultsIndex> {
  const rows = p.manifest.files.find((f) => f.name === 'results.csv')?.rows;
  const builder = new ResultsIndexBuilder({ applications: rows });
  await readVouched(p, 'results.csv', (f, line) => (line === 1 ? builder.resultColumns(f) : builder.addResult(f, line)));
  await readVouched(p, 'refunds.csv', (f, line) => (line === 1 ? builder.refundColumns(f) : builder.addRefund(f, line)));
  for (const m of p.summary.manual_refunds) builder.addManualRefund(m.participant_id, m.instruction_ref);
  return builder.build();
}

export async function readBasis(p: PublishableAllocation): Promise<PublishedBasisRow[]> {
  const records: string[][] = [];
  await readVouched(p, 'basis-of-allocation.csv', (f) => records.push(f));
  return basisRowsOf(records);
}

function checkOffering(p: PublishableAllocation, offering: Offering, work: string): void {
  if (p.summary.offering.stock_code !== offering.stock_code || p.manifest.stock_code !== offering.stock_code) {
    throw new UsageError(`work ${work} holds the allocation of stock code ${p.summary.offering.stock_code}, not of the offering's ${offering.stock_code}`);
  }
}

export interface ResultsSite {
  publishable: PublishableAllocation;
  index: ResultsIndex;
  model: SiteModel;
  /** Everything the lookups need except the phase, which the clock decides per request. */
  context: Omit<LookupContext, 'phase'>;
  /** Seconds taken to read the files and build the index. */
  loadSeconds: number;
}

/**
 * The answer the results site gives to a search in a phase: what `GET /api/results` sends, and
 * what `verify-site` compares with the files (one function, so the two cannot drift apart).
 */
export function siteAnswer(site: Pick<ResultsSite, 'context'> & { index: Pick<ResultsIndex, 'lookup'> }, query: IdentityQuery, phase: PublicationPhase): LookupAnswer {
  return answerLookup(query, { ...site.context, phase }, (key) => site.index.lookup(key));
}

/** Everything `serve` needs, or a refusal: not a final allocation, another offering, or no results period in the offering. */
export async function loadResultsSite(work: string, offering: Offering): Promise<ResultsSite> {
  const dates = effectiveAfterClose(offering);
  if (!dates) throw new ConfigInvalidError('offering: timetable.after_close is missing: the results site needs results_from, results_to and the dispatch dates');
  const started = process.hrtime.bigint();
  const publishable = await assertPublishable(work);
  checkOffering(publishable, offering, work);
  const window = publicationWindow(dates);
  const index = await loadResultsIndex(publishable);
  const basis = await readBasis(publishable);
  const loadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    publishable,
    index,
    model: siteModel(publishable.summary, basis, offering, window, publishable.outcome),
    context: { window, refund_dispatch: dates.refund_dispatch, certificate_dispatch: dates.certificate_dispatch, collect_min_shares: offering.certificates.collect_in_person_min_shares },
    loadSeconds,
  };
}

export const ANNOUNCEMENT_FILE = 'allotment-results-announcement.html';
export const SUCCESSFUL_CSV_FILE = 'successful-applicants.csv';

export interface AnnouncementReport {
  dir: string;
  files: { name: string; rows: number; bytes: number; sha256: string }[];
}

/** Writes the announcement and the successful applicants' list into `outDir` (default `<work>/announcement`). */
export async function writeAnnouncement(work: string, offering: Offering, outDir?: string): Promise<AnnouncementReport> {
  const publishable = await assertPublishable(work);
  checkOffering(publishable, offering, work);
  const index = await loadResultsIndex(publishable);
  const basis = await readBasis(publishable);
  const successful = successfulApplicants(index);
  const form = offering.publication.successful_ids;
  const dir = outDir ?? path.join(work, 'announcement');
  const digests = await writeFilesAtomically(dir, [
    { name: ANNOUNCEMENT_FILE, chunks: renderAnnouncement({ offering, summary: publishable.summary, basis, successful, dates: effectiveAfterClose(offering), form, outcome: publishable.outcome }) },
    { name: SUCCESSFUL_CSV_FILE, chunks: successfulApplicantsCsv(successful, form) },
  ]);
  return {
    dir,
    files: [ANNOUNCEMENT_FILE, SUCCESSFUL_CSV_FILE].map((name) => ({ name, rows: name === SUCCESSFUL_CSV_FILE ? successful.length : 1, ...digests.get(name)! })),
  };
}
