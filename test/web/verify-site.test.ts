/**
 * Served = files (pipeline/verify-site.ts, `ccass-batch verify-site`): every application looked up
 * through the site's own answer function and compared field by field with the files. On the sample
 * book and a generated one: no difference, and counts that this test works out from the files on
 * its own. Then files changed by one cent or one share against an index built from the originals,
 * and a site that answers wrongly: each difference is found, named by field and masked document.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadOfferingFile } from '../../src/io/config-files';
import type { ResultsSite } from '../../src/pipeline/publication';
import { checkServedResults, servedCheckDetails, servedCheckLine, verifySite } from '../../src/pipeline/verify-site';
import { runCli, tempDir } from '../unit/refund/cli-harness';
import { buildSampleWork, OFFERING, sampleSite } from './sample-site';

type Row = { [column: string]: string };

/** Rows of results.csv, and its documents (all, and distinct), read here with csv-parse, not with the checker's reader. */
function filesCount(allocation: string): { rows: number; documents: number; distinct: number; withoutDocument: number } {
  const rows = parse(readFileSync(path.join(allocation, 'results.csv')), { columns: true }) as Row[];
  const docs = rows.flatMap((r) => r.applicant_ids!.split(';').filter((d) => d !== ''));
  return { rows: rows.length, documents: docs.length, distinct: new Set(docs).size, withoutDocument: rows.filter((r) => r.applicant_ids === '').length };
}

/** A copy of the allocation folder with one line of one file changed. */
function tampered(allocation: string, file: string, change: (line: string) => string, match: RegExp): string {
  const dir = path.join(tempDir('tampered'), 'allocation');
  cpSync(allocation, dir, { recursive: true });
  const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
  const at = lines.findIndex((l) => match.test(l));
  expect(at).toBeGreaterThan(0);
  const changed = change(lines[at]!);
  expect(changed).not.toBe(lines[at]);
  lines[at] = changed;
  writeFileSync(path.join(dir, file), lines.join('\n'));
  return dir;
}

describe('served = files on the sample book', () => {
  let work: string;
  let site: ResultsSite;
  beforeAll(async () => {
    work = await buildSampleWork();
    site = await sampleSite(work);
  });

  it('every application answers exactly as the files say; the counts are the files\'', async () => {
    const { check } = await verifySite(work, loadOfferingFile(OFFERING));
    const files = filesCount(path.join(work, 'allocation'));
    // 73 rows; 2 without a readable document; 75 documents (4 joint ones), 73 distinct (one number on two applications).
    expect(files).toEqual({ rows: 73, documents: 75, distinct: 73, withoutDocument: 2 });
    expect({ ...check, seconds: undefined, digests: undefined }).toEqual({
      applications: 73, documents: 75, identities: 73, lookups: 73, unsearchable: 0, withoutDocument: 2,
      fields: 2034, mismatches: 0, first: [], seconds: undefined, digests: undefined,
    });
    expect(servedCheckLine(check)).toMatch(/^served = files: 73 applications, 73 lookups, 0 mismatches \(\d+\.\d s\)$/);
    // The bytes checked are the ones the manifest vouches for.
    const manifest = JSON.parse(readFileSync(path.join(work, 'allocation/manifest.json'), 'utf8')) as { files: { name: string; sha256: string }[] };
    for (const name of ['results.csv', 'refunds.csv', 'certificates.csv']) expect(check.digests.get(name)?.sha256).toBe(manifest.files.find((f) => f.name === name)!.sha256);
  });

  it('`verify-site` prints the counts and exits 0', async () => {
    const r = await runCli(['verify-site', '--work', work, '--offering', OFFERING]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^served = files: 73 applications, 73 lookups, 0 mismatches \(\d+\.\d s\)\n75 documents on the applications, 73 distinct; 0 not a valid number .*; 2 applications without a readable document; 2034 fields compared\n$/);
  });

  it('a refund one cent higher in refunds.csv than the site serves is two differences: the amount and its words', async () => {
    // R00000001: BRK001 B1-0001, HKID A1234563 (a number on two applications), results.csv line 2.
    const dir = tampered(path.join(work, 'allocation'), 'refunds.csv', (l) => l.replace(',4030.21,', ',4030.22,'), /^R00000001,/);
    const check = await checkServedResults(dir, site);
    expect(check.mismatches).toBe(2);
    expect(check.first).toEqual([
      { line: 2, id_type: 'HKID', id: 'A1*****3', field: 'refund.amount', file: '"4030.22"', served: '"4030.21"' },
      { line: 2, id_type: 'HKID', id: 'A1*****3', field: 'text.refund', file: expect.stringContaining('HK$4,030.22'), served: expect.stringContaining('HK$4,030.21') },
    ]);
    const printed = servedCheckDetails(check).join('\n');
    expect(printed).toContain('MISMATCH results.csv line 2, HKID A1*****3: refund.amount: files "4030.22", served "4030.21"');
    expect(printed).not.toContain('A1234563');
  });

  it('a share more allotted in results.csv than the site serves is found in the shares, their words and the deposit words', async () => {
    // BRK001 B1-0003, PASSPORT K12345678: 5000 applied, 5000 allotted.
    const dir = tampered(path.join(work, 'allocation'), 'results.csv', (l) => l.replace(',5000,5000,ALLOTTED,', ',5000,5001,ALLOTTED,'), /^BRK001,B1-0003,/);
    const check = await checkServedResults(dir, site);
    expect(check.first.map((m) => [m.line, m.id_type, m.id, m.field, m.file, m.served])).toEqual([
      [5, 'PASSPORT', 'K1******8', 'shares_allotted', '5001', '5000'],
      [5, 'PASSPORT', 'K1******8', 'text.status', expect.stringContaining('5,001 of the 5,000'), expect.stringContaining('5,000 shares allotted, all')],
      [5, 'PASSPORT', 'K1******8', 'text.shares', expect.stringContaining('5,001 shares'), expect.stringContaining('5,000 shares')],
    ]);
    expect(check.mismatches).toBe(3);
    expect(servedCheckDetails(check).join('\n')).not.toContain('K12345678');
  });

  it('a site that answers wrongly is caught: an application missing, another\'s figures, applications out of order', async () => {
    const lookup = site.index.lookup.bind(site.index);
    const wrong = (change: (key: string, found: ReturnType<typeof lookup>) => ReturnType<typeof lookup>) =>
      checkServedResults(path.join(work, 'allocation'), { context: site.context, index: { applications: site.index.applications, identities: site.index.identities, lookup: (k) => change(k, lookup(k)) } });
    const missing = await wrong((k, found) => (k === 'HKID:B2345671' ? [] : found));
    expect(missing.first.map((m) => [m.line, m.id, m.field, m.file, m.served])).toEqual([[3, 'B2*****1', 'status code', '200', '404']]);
    expect(missing.mismatches).toBe(1);
    const swapped = await wrong((k, found) => (k === 'HKID:A1234563' ? [...found].reverse() : found));
    expect(swapped.mismatches).toBeGreaterThan(4);
    expect(swapped.first.every((m) => m.id === 'A1*****3')).toBe(true);
    expect(swapped.first.map((m) => m.field)).toEqual(expect.arrayContaining(['channel', 'participant_id', 'applicant', 'applicants', 'shares_applied', 'refund.amount']));
    const cent = await wrong((k, found) => found.map((a) => (k === 'HKID:B2345671' && a.refund.kind === 'PAID' ? { ...a, refund: { ...a.refund, amount: '282.83' } } : a)));
    expect(cent.first.map((m) => [m.field, m.file, m.served])).toEqual([['refund.amount', '"282.82"', '"282.83"'], ['text.refund', expect.any(String), expect.any(String)]]);
    const extra = await wrong((k, found) => (k === 'HKID:B2345671' ? [...found, found[0]!] : found));
    expect(extra.first.map((m) => [m.line, m.id, m.field, m.file, m.served])).toEqual([[null, 'B2*****1', 'applications', '1 application(s) under this document', '2 application(s)']]);
  });
});

describe('served = files on a generated book', () => {
  it('3,000 instructions with faults, multiple applications and reused references: no difference, every document looked up once', async () => {
    const root = tempDir('verify-site-gen');
    const gen = path.join(root, 'gen');
    const work = path.join(root, 'work');
    const g = await runCli(['generate', '--offering', OFFERING, '--instructions', '3000', '--seed', 'verify-site', '--out', gen, '--error-rate', '0.08', '--multiple-rate', '0.05']);
    expect(g.code).toBe(0);
    const r = await runCli(['run', '--offering', OFFERING, '--participants', path.join(gen, 'participants.csv'), '--inbox', path.join(gen, 'inbox'), '--work', work, '--final-price', '3.85', '--seed', 'verify-site']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const allocation = path.join(work, 'allocation');
    const files = filesCount(allocation);
    const results = readFileSync(path.join(allocation, 'results.csv'), 'utf8');
    // The book holds what makes the join hard: documents on several applications, reused references, White Form certificates.
    expect(files.documents).toBeGreaterThan(files.distinct);
    expect(results).toContain('REF_REUSED');
    expect(results).toContain('WHITE_FORM');
    const { check } = await verifySite(work, loadOfferingFile(OFFERING));
    expect(check.first).toEqual([]);
    expect(check.mismatches).toBe(0);
    expect(check.applications).toBe(3000);
    expect([check.applications, check.documents, check.identities, check.withoutDocument]).toEqual([files.rows, files.documents, files.distinct, files.withoutDocument]);
    expect(check.lookups).toBe(check.identities - check.unsearchable);
    // Every field of every answer: at least 20 an application under each document.
    expect(check.fields).toBeGreaterThan(20 * files.documents);

    // One cent off in the generated refunds.csv, against the index of the originals.
    const site = (await verifySite(work, loadOfferingFile(OFFERING))).site;
    const dir = tampered(allocation, 'refunds.csv', (l) => l.replace(/,([0-9]+)\.([0-9]{2}),(UNSUCCESSFUL|PARTIAL|PRICE_ADJUSTMENT),/, (_m, w: string, c: string, reason: string) => {
      const cents = BigInt(w + c) + 1n;
      return `,${cents / 100n}.${String(cents % 100n).padStart(2, '0')},${reason},`;
    }), /^R[0-9]+,.*,[0-9]+\.[0-9]{2},(UNSUCCESSFUL|PARTIAL|PRICE_ADJUSTMENT),/);
    const off = await checkServedResults(dir, site);
    expect(off.first.map((m) => m.field)).toEqual(expect.arrayContaining(['refund.amount', 'text.refund']));
    expect(off.first.every((m) => m.field.endsWith('refund') || m.field === 'refund.amount')).toBe(true);
    expect(off.mismatches).toBe(off.first.length);
    const amount = off.first.find((m) => m.field === 'refund.amount')!;
    const cents = (text: string) => BigInt((JSON.parse(text) as string).replace('.', ''));
    expect(cents(amount.file) - cents(amount.served)).toBe(1n);
  }, 120_000);
});
