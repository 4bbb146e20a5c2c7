/**
 * The one gate before anything is published (results site and announcement): only a FINAL
 * allocation is published. Every publishing command calls assertPublishable and nothing else
 * decides it.
 *
 * Today it requires: the work folder exists; allocation/manifest.json is there and is a
 * manifest; every file it lists is present with exactly its byte count and SHA-256; results.csv,
 * basis-of-allocation.csv, refunds.csv and summary.json are among them; summary.json reads as a
 * summary; and first of all, the book's lifecycle is final (allocated or lapsed, no allocation
 * being written) with exactly this manifest recorded.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StorageError, UsageError } from '../domain/errors';
import { allocationDir } from '../io/outputs';
import { requireFinalAllocation } from './book';
import { digestFile, FileDigest, readTextFile } from '../io/publication-files';
import {
  manifestFaults, parsePublishedManifest, parsePublishedSummary, PublishedManifest, PublishedSummary, SAFE_NAME,
} from '../publish/published-allocation';
import type { PublicationOutcome } from '../publish/site-page';

export interface PublishableAllocation {
  /** `<work>/allocation` */
  dir: string;
  /**
   * ALLOCATED for a final allocation. LAPSED is the hook for an offering that did not become
   * unconditional (issue 6 `lapse`: no shares, every amount refunded in full): the site and the
   * announcement then say so instead of showing a basis of allocation.
   */
  outcome: PublicationOutcome;
  manifest: PublishedManifest;
  summary: PublishedSummary;
}

/** Refuses (UsageError, exit 2; StorageError, exit 74 for damaged files) anything but a final allocation. */
export async function assertPublishable(work: string): Promise<PublishableAllocation> {
  const stat = await fs.stat(work).catch(() => null);
  if (!stat?.isDirectory()) throw new UsageError(`work ${work}: not a folder`);
  const dir = allocationDir(work);

  // The book's lifecycle: only a final allocation (or a lapse), not one being replaced, and the
  // manifest on disk must be the one recorded with it (never a superseded or half-written one).
  const final = await requireFinalAllocation(work, 'publish');
  const outcome: PublicationOutcome = final.to === 'lapsed' ? 'LAPSED' : 'ALLOCATED';
  const recordedManifest = final.manifest_sha256;

  const manifestText = await readTextFile(path.join(dir, 'manifest.json'));
  if (manifestText === null) throw new UsageError(`work ${work}: no final allocation to publish (allocation/manifest.json is missing; run allocate first)`);
  if (createHash('sha256').update(manifestText, 'utf8').digest('hex') !== recordedManifest) {
    throw new StorageError(`${path.join(dir, 'manifest.json')}: not the manifest recorded for the final allocation in lifecycle.json; run verify`);
  }
  const manifest = parsePublishedManifest(manifestText);
  if (typeof manifest === 'string') throw new StorageError(`${path.join(dir, 'manifest.json')}: ${manifest}`);
  const digests = new Map<string, FileDigest | null>();
  for (const f of manifest.files) if (SAFE_NAME.test(f.name)) digests.set(f.name, await digestFile(path.join(dir, f.name)));
  const faults = manifestFaults(manifest, digests);
  if (faults.length > 0) throw new StorageError(`${dir}: the output files do not match manifest.json: ${faults.join('; ')}`);

  const summaryText = await readTextFile(path.join(dir, 'summary.json'));
  let summaryJson: unknown;
  try {
    summaryJson = JSON.parse(summaryText ?? '');
  } catch (e) {
    throw new StorageError(`${path.join(dir, 'summary.json')}: not JSON (${(e as Error).message})`);
  }
  return { dir, outcome, manifest, summary: parsePublishedSummary(summaryJson) };
}
