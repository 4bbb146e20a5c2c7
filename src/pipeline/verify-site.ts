/**
 * Served = files: every application of an allocation's output files looked up on the results
 * site, in this process, through the very function the HTTP handler answers with (siteAnswer:
 * parseIdentityQuery, then answerLookup over the site's index), and every field of the answer
 * compared with the files (publish/served-vs-files.ts). Used by `ccass-batch verify-site` and by
 * the results site benchmark (docs/publish.md, "Served = files").
 *
 * Streamed: results.csv, refunds.csv and certificates.csv are read side by side, a group of rows
 * of one reference at a time (refunds.csv's automatic refunds and certificates.csv come in the
 * results order, its MANUAL rows head it: docs/formats-output.md). What is held besides the site's
 * own index: each document seen, pooled in an IdentityTable (about 45 bytes a document), and the
 * answers of the documents under more than one application until their rows have all come.
 * Each document is looked up once.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StorageError } from '../domain/errors';
import { normaliseIdentity } from '../allocate/multiple-applications';
import type { Offering } from '../offering/schema';
import { checkedLineBatches, csvFields } from '../io/publication-files';
import type { TextLine } from '../ingest/line-reader';
import { IdentityTable } from '../publish/identity-table';
import { parseIdentityQuery } from '../publish/identity-query';
import type { ApplicationView } from '../publish/lookup-response';
import { parsePublishedSummary } from '../publish/published-allocation';
import type { ResultsIndex } from '../publish/results-index';
import { REFUND_NEEDS, RESULT_NEEDS } from '../publish/results-index-builder';
import { FileApplication, FileRefundRow, maskedDocument, refundsOfReference, ServedComparison, ServedMismatch } from '../publish/served-vs-files';
import { loadResultsSite, ResultsSite, siteAnswer } from './publication';

/** What the checker needs of a site: its index and its lookup context. */
export type CheckedSite = Pick<ResultsSite, 'context'> & { index: Pick<ResultsIndex, 'lookup' | 'applications' | 'identities'> };

export interface ServedCheck {
  /** Rows of results.csv. */
  applications: number;
  /** Applicant documents on them (a joint application counts each). */
  documents: number;
  /** Distinct documents. */
  identities: number;
  /** Searches answered (one per distinct document the site can be asked for). */
  lookups: number;
  /** Distinct documents that are not a valid number: the site answers 400 for them, as for anyone typing them. */
  unsearchable: number;
  /** Applications without any document (rejected with an unreadable one): nothing to search. */
  withoutDocument: number;
  /** Fields of answers compared with the files. */
  fields: number;
  mismatches: number;
  /** The first differences, numbers masked. */
  first: ServedMismatch[];
  seconds: number;
  /** SHA-256 and size of the bytes read of each file (to hold against manifest.json). */
  digests: Map<string, { sha256: string; bytes: number }>;
}

interface CsvRecord {
  fields: string[];
  line: number;
}

/** A CSV file read record by record (pull), hashed as it is read; no file: no records. */
class CsvCursor {
  private readonly lines: ReturnType<typeof checkedLineBatches> | null;
  private batch: TextLine[] = [];
  private at = 0;
  private ahead: CsvRecord | null | undefined;

  constructor(file: string | null) {
    this.lines = file === null ? null : checkedLineBatches(file);
  }

  async peek(): Promise<CsvRecord | null> {
    if (this.ahead === undefined) this.ahead = await this.read();
    return this.ahead;
  }

  async next(): Promise<CsvRecord | null> {
    const r = await this.peek();
    this.ahead = undefined;
    return r;
  }

  digest(): { sha256: string; bytes: number } {
    return this.lines ? this.lines.digest() : { sha256: createHash('sha256').digest('hex'), bytes: 0 };
  }

  private async read(): Promise<CsvRecord | null> {
    while (this.at >= this.batch.length) {
      const r = this.lines ? await this.lines.batches.next() : null;
      if (r === null || r.done) return null;
      this.batch = r.value;
      this.at = 0;
    }
    const l = this.batch[this.at++]!;
    return { fields: csvFields(l.text), line: l.line };
  }
}

function columns(file: string, header: readonly string[] | undefined, needs: readonly string[]): Record<string, number> {
  const at: Record<string, number> = {};
  for (const name of needs) {
    const i = header?.indexOf(name) ?? -1;
    if (i < 0) throw new StorageError(`${file}: no column ${name}`);
    at[name] = i;
  }
  return at;
}

const WHOLE = /^[0-9]+$/;

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** A document under more than one application (or under none, or not searchable): its answer until its rows have all come. */
interface Pending {
  /** null: not a searchable number. Emptied once every application served has been taken. */
  applications: ApplicationView[] | null;
  served: number;
  next: number;
}

/**
 * Checks every application of the output files in `dir` (results.csv, refunds.csv,
 * certificates.csv, summary.json) against the site's answers. `keep`: how many differences to
 * describe (all are counted).
 */
export async function checkServedResults(dir: string, site: CheckedSite, options: { keep?: number } = {}): Promise<ServedCheck> {
  const started = process.hrtime.bigint();
  const cmp = new ServedComparison(options.keep ?? 10);
  const summaryText = await fs.readFile(path.join(dir, 'summary.json'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new StorageError(`cannot read ${path.join(dir, 'summary.json')}: ${e.code ?? e.message}`);
  });
  const summary = parsePublishedSummary(JSON.parse(summaryText));
  const manualListed = new Map<string, number>();
  for (const m of summary.manual_refunds) {
    const key = `${m.participant_id}\n${m.instruction_ref}`;
    manualListed.set(key, (manualListed.get(key) ?? 0) + 1);
  }

  const certificatesFile = path.join(dir, 'certificates.csv');
  const results = new CsvCursor(path.join(dir, 'results.csv'));
  const refunds = new CsvCursor(path.join(dir, 'refunds.csv'));
  const certificates = new CsvCursor((await exists(certificatesFile)) ? certificatesFile : null);
  const rc = columns('results.csv', (await results.next())?.fields, RESULT_NEEDS);
  const refundHeader = (await refunds.next())?.fields;
  const fc = columns('refunds.csv', refundHeader, REFUND_NEEDS);
  const seqAt = refundHeader!.indexOf('file_seq');
  const lineAt = refundHeader!.indexOf('line');
  const certificateHeader = (await certificates.next())?.fields;
  const cc = certificateHeader ? columns('certificates.csv', certificateHeader, ['instruction_ref', 'delivery']) : null;

  let refundOrder = 0;
  const refundRow = (f: readonly string[]): FileRefundRow => {
    const number = (i: number) => (i < 0 || !WHOLE.test(f[i] ?? '') ? null : Number(f[i]));
    return { method: f[fc.method!] ?? '', amount: f[fc.amount!] ?? '', reason: f[fc.reason!] ?? '', fileSeq: number(seqAt), line: number(lineAt), order: refundOrder++ };
  };
  const refundKey = (f: readonly string[]) => `${f[fc.participant_id!]}\n${f[fc.instruction_ref!]}`;

  // The MANUAL rows head refunds.csv (their refund_ref `M...` sorts first): held by reference until it comes.
  const manualRows = new Map<string, FileRefundRow[]>();
  for (let r = await refunds.peek(); r !== null && r.fields[fc.method!] === 'MANUAL'; r = await refunds.peek()) {
    await refunds.next();
    const key = refundKey(r.fields);
    manualRows.set(key, [...(manualRows.get(key) ?? []), refundRow(r.fields)]);
  }

  const seen = new IdentityTable(Math.ceil(site.index.applications * 1.25));
  const pending = new Map<number, Pending>();
  const counts = { applications: 0, documents: 0, lookups: 0, unsearchable: 0, withoutDocument: 0 };
  const ctx = site.context;

  /** One document of one application: the answer's application for it, compared. */
  const checkDocument = (a: FileApplication, document: string, position: number) => {
    counts.documents += 1;
    const before = seen.size;
    const k = seen.add(document);
    let p = pending.get(k);
    if (seen.size > before) {
      const colon = document.indexOf(':');
      const query = parseIdentityQuery({ id_type: document.slice(0, colon), id: document.slice(colon + 1) });
      if (!query.ok) {
        counts.unsearchable += 1;
        pending.set(k, { applications: null, served: 0, next: 0 });
        return;
      }
      if (query.key !== document) {
        cmp.add({ line: a.line, ...maskedDocument(document), field: 'document key', file: 'the number as written in results.csv', served: 'searched under another key' });
      }
      counts.lookups += 1;
      const answer = siteAnswer(site, query, 'OPEN');
      if (!cmp.envelope(document, a.line, answer)) {
        pending.set(k, { applications: [], served: 0, next: 1 });
        return;
      }
      const found = answer.body.applications as ApplicationView[];
      if (found.length === 1) {
        cmp.application(a, document, position, found[0]!, ctx);
        return;
      }
      p = { applications: found, served: found.length, next: 0 };
      pending.set(k, p);
    }
    if (p === undefined) {
      // Served under one application, which an earlier row of the files already took.
      cmp.add({ line: a.line, ...maskedDocument(document), field: 'applications', file: 'one more application under this document', served: '1 application' });
      return;
    }
    if (p.applications === null) return;
    const view = p.applications[p.next];
    p.next += 1;
    if (view === undefined) {
      cmp.add({ line: a.line, ...maskedDocument(document), field: 'applications', file: `${p.next} or more applications under this document`, served: `${p.served} application(s)` });
      return;
    }
    cmp.application(a, document, position, view, ctx);
    if (p.next === p.served) p.applications = [];
  };

  const finishGroup = async (group: FileApplication[]) => {
    if (group.length === 0) return;
    const first = group[0]!;
    const key = `${first.participant_id}\n${first.instruction_ref}`;
    const rows = manualRows.get(key) ?? [];
    manualRows.delete(key);
    for (let r = await refunds.peek(); r !== null && refundKey(r.fields) === key; r = await refunds.peek()) {
      await refunds.next();
      rows.push(refundRow(r.fields));
    }
    const faults: string[] = [];
    const placed = refundsOfReference(group.map((a) => a.status), rows, manualListed.get(key) ?? 0, faults);
    manualListed.delete(key);
    for (const f of faults) cmp.add({ line: first.line, id_type: null, id: null, field: 'refunds.csv', file: f, served: '-' });
    for (let i = 0; i < group.length; i++) {
      const a = group[i]!;
      a.refund = placed[i]!;
      counts.applications += 1;
      if (a.documents.length === 0) counts.withoutDocument += 1;
      a.documents.forEach((d, position) => checkDocument(a, d, position));
    }
  };

  let group: FileApplication[] = [];
  for (let r = await results.next(); r !== null; r = await results.next()) {
    const f = r.fields;
    const field = (name: string) => f[rc[name]!] ?? '';
    const documents: string[] = [];
    for (const entry of field('applicant_ids').split(';')) {
      const d = normaliseIdentity(entry);
      if (d !== '') documents.push(d);
    }
    const a: FileApplication = {
      line: r.line, participant_id: field('participant_id'), instruction_ref: field('instruction_ref'), channel: field('channel'), documents,
      pool: field('pool'), shares_applied: field('shares_applied'), shares_allotted: field('shares_allotted'), status: field('status'),
      reason_code: field('reason_code'), refund: { kind: 'NONE' }, certificate_delivery: null,
    };
    if (a.channel === 'WHITE_FORM' && WHOLE.test(a.shares_allotted) && Number(a.shares_allotted) > 0) {
      const c = cc ? await certificates.next() : null;
      if (c === null || cc === null) cmp.add({ line: r.line, id_type: null, id: null, field: 'certificates.csv', file: 'no row for this application', served: '-' });
      else if (c.fields[cc.instruction_ref!] !== a.instruction_ref) cmp.add({ line: r.line, id_type: null, id: null, field: 'certificates.csv', file: `line ${c.line} is of another instruction`, served: '-' });
      else a.certificate_delivery = c.fields[cc.delivery!] ?? null;
    }
    const prev = group[0];
    if (prev && (prev.participant_id !== a.participant_id || prev.instruction_ref !== a.instruction_ref)) {
      await finishGroup(group);
      group = [];
    }
    group.push(a);
  }
  await finishGroup(group);

  // Whatever is left was not met at its place in the results order.
  const left = await refunds.peek();
  if (left !== null) {
    let n = 0;
    while ((await refunds.next()) !== null) n += 1;
    cmp.add({ line: null, id_type: null, id: null, field: 'refunds.csv', file: `${n} rows from line ${left.line} without their application at their place in the results order`, served: '-' });
  }
  for (const [key, rows] of manualRows) cmp.add({ line: null, id_type: null, id: null, field: 'refunds.csv', file: `${rows.length} MANUAL row(s) of ${key.replace('\n', ' ')} without an application`, served: '-' });
  for (const key of manualListed.keys()) cmp.add({ line: null, id_type: null, id: null, field: 'summary.json', file: `manual refund of ${key.replace('\n', ' ')} without an application`, served: '-' });
  const leftCertificates = cc ? await certificates.next() : null;
  if (leftCertificates !== null) cmp.add({ line: null, id_type: null, id: null, field: 'certificates.csv', file: `line ${leftCertificates.line} and after without their application`, served: '-' });
  for (const [k, p] of pending) {
    if (p.applications !== null && p.next < p.served) {
      cmp.add({ line: null, ...maskedDocument(seen.keyOf(k)), field: 'applications', file: `${p.next} application(s) under this document`, served: `${p.served} application(s)` });
    }
  }
  if (site.index.applications !== counts.applications) {
    cmp.add({ line: null, id_type: null, id: null, field: 'applications in the index', file: String(counts.applications), served: String(site.index.applications) });
  }
  if (site.index.identities !== seen.size) {
    cmp.add({ line: null, id_type: null, id: null, field: 'documents in the index', file: String(seen.size), served: String(site.index.identities) });
  }
  const digests = new Map([['results.csv', results.digest()], ['refunds.csv', refunds.digest()]]);
  if (cc) digests.set('certificates.csv', certificates.digest());
  return {
    ...counts, identities: seen.size, fields: cmp.fields, mismatches: cmp.mismatches, first: cmp.first,
    seconds: Number(process.hrtime.bigint() - started) / 1e9, digests,
  };
}

/** The one line a run prints: `served = files: N applications, M lookups, K mismatches (T s)`. */
export function servedCheckLine(c: ServedCheck): string {
  return `served = files: ${c.applications} applications, ${c.lookups} lookups, ${c.mismatches} mismatches (${c.seconds.toFixed(1)} s)`;
}

/** The details: what was counted, then each difference described (numbers masked). */
export function servedCheckDetails(c: ServedCheck): string[] {
  const lines = [
    `${c.documents} documents on the applications, ${c.identities} distinct; ${c.unsearchable} not a valid number (the site answers 400 for them); ` +
      `${c.withoutDocument} applications without a readable document; ${c.fields} fields compared`,
  ];
  for (const m of c.first) {
    const where = [m.line === null ? null : `results.csv line ${m.line}`, m.id_type === null ? null : `${m.id_type} ${m.id}`].filter(Boolean).join(', ');
    lines.push(`MISMATCH ${where ? `${where}: ` : ''}${m.field}: files ${m.file}, served ${m.served}`);
  }
  if (c.mismatches > c.first.length) lines.push(`... and ${c.mismatches - c.first.length} more`);
  return lines;
}

/**
 * `verify-site`: the site as `serve` loads it (the gate, the manifest, the index), then every
 * application checked; the bytes checked must be those manifest.json vouches for.
 */
export async function verifySite(work: string, offering: Offering, options: { keep?: number } = {}): Promise<{ site: ResultsSite; check: ServedCheck }> {
  const site = await loadResultsSite(work, offering);
  const check = await checkServedResults(site.publishable.dir, site, options);
  for (const [name, d] of check.digests) {
    const entry = site.publishable.manifest.files.find((f) => f.name === name);
    if (entry && (entry.sha256 !== d.sha256 || entry.bytes !== d.bytes)) throw new StorageError(`${path.join(site.publishable.dir, name)} changed while it was being checked`);
  }
  return { site, check };
}
