/**
 * The one check that an offering's refunds may be paid (docs/treasury.md, "Before a run"): the
 * allocation is final and its files are the ones it wrote. Every payment run goes through here
 * first; nothing else decides it.
 *
 * The book's lifecycle is final (allocated or lapsed, nothing being written or replaced), and
 * `<work>/allocation/manifest.json` is the manifest recorded with it, lists refunds.csv and
 * summary.json, and both files' bytes have the SHA-256 and size it records. A lapsed offering's
 * refunds.csv (every amount paid refunded, reason LAPSED) is paid like any other.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StorageError, UsageError } from '../domain/errors';
import { allocationDir } from '../io/outputs';
import { requireFinalAllocation } from './book';

interface ManifestFile {
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface PayableAllocation {
  dir: string;
  refundsCsv: string;
  stock_code: string;
  issuer: string;
  /** refunds.csv as the manifest lists it. */
  refunds: ManifestFile;
  /** summary.json's money section: what the payment run must tie to. */
  money: { amount_refunded: string; manual_refunds: number };
}

async function fileDigest(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${file} is missing: the allocation's files are incomplete`);
    throw new StorageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return { sha256: hash.digest('hex'), bytes };
}

function listed(files: ManifestFile[], name: string, manifest: string): ManifestFile {
  const f = files.find((x) => x.name === name);
  if (!f || typeof f.sha256 !== 'string' || typeof f.bytes !== 'number') throw new UsageError(`${manifest} does not list ${name}`);
  return f;
}

/** UsageError (exit 2) naming what is wrong when the allocation cannot be paid from. */
export async function checkPayableAllocation(work: string): Promise<PayableAllocation> {
  const dir = allocationDir(work);
  const manifestFile = path.join(dir, 'manifest.json');
  const final = await requireFinalAllocation(work, 'pay');
  let manifest: { stock_code?: unknown; files?: unknown };
  try {
    const bytes = await fs.readFile(manifestFile);
    if (createHash('sha256').update(bytes).digest('hex') !== final.manifest_sha256) {
      throw new StorageError(`${manifestFile}: not the manifest recorded for the final allocation in lifecycle.json; run verify, nothing is paid`);
    }
    manifest = JSON.parse(bytes.toString('utf8')) as typeof manifest;
  } catch (e) {
    if (e instanceof StorageError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${manifestFile} is missing: no final allocation to pay from (allocate first)`);
    throw new UsageError(`${manifestFile} cannot be read as JSON: ${(e as Error).message}`);
  }
  if (typeof manifest.stock_code !== 'string' || !Array.isArray(manifest.files)) throw new UsageError(`${manifestFile} is not an allocation manifest`);
  const files = manifest.files as ManifestFile[];
  const refunds = listed(files, 'refunds.csv', manifestFile);
  const summaryEntry = listed(files, 'summary.json', manifestFile);
  const refundsCsv = path.join(dir, 'refunds.csv');
  for (const [entry, file] of [[refunds, refundsCsv], [summaryEntry, path.join(dir, 'summary.json')]] as const) {
    const d = await fileDigest(file);
    if (d.sha256 !== entry.sha256 || d.bytes !== entry.bytes) {
      throw new UsageError(`${file} is not the file the allocation wrote (SHA-256 or size differs from manifest.json): nothing is paid from it`);
    }
  }
  let summary: { offering?: { issuer?: unknown }; money?: { total?: { amount_refunded?: unknown; manual_refunds?: unknown } } };
  try {
    summary = JSON.parse(await fs.readFile(path.join(dir, 'summary.json'), 'utf8')) as typeof summary;
  } catch (e) {
    throw new StorageError(`cannot read ${path.join(dir, 'summary.json')}: ${(e as Error).message}`);
  }
  const total = summary.money?.total;
  if (typeof summary.offering?.issuer !== 'string' || typeof total?.amount_refunded !== 'string' || typeof total.manual_refunds !== 'number') {
    throw new UsageError(`${path.join(dir, 'summary.json')} has no offering.issuer or money.total`);
  }
  return {
    dir, refundsCsv, stock_code: manifest.stock_code, issuer: summary.offering.issuer, refunds,
    money: { amount_refunded: total.amount_refunded, manual_refunds: total.manual_refunds },
  };
}
