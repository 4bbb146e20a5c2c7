/**
 * Golden case test/golden/samples-announcement/ (see its README.md): the announcement of the
 * quick-start book, byte for byte, and again the same bytes on a second run. Regenerate only on
 * purpose: UPDATE_GOLDEN=1 npx jest test/golden/samples-announcement.test.ts
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { compareTrees, OFFERING, readTree, ROOT, runCli } from '../unit/refund/cli-harness';
import { buildSampleWork } from '../web/sample-site';

const EXPECTED = path.join(ROOT, 'test/golden/samples-announcement/expected');

describe('golden: the allotment results announcement of samples/', () => {
  let work: string;
  beforeAll(async () => {
    work = await buildSampleWork();
  });

  it('writes expected/ byte for byte, twice', async () => {
    const r = await runCli(['announce', '--work', work, '--offering', OFFERING]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^allotment-results-announcement\.html: \d+ bytes, sha256 [0-9a-f]{64}\nsuccessful-applicants\.csv: 46 rows, \d+ bytes, sha256 [0-9a-f]{64}\nwritten: .*announcement\n$/);
    const actual = readTree(path.join(work, 'announcement'));
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(EXPECTED, { recursive: true });
      for (const [name, bytes] of actual) writeFileSync(path.join(EXPECTED, name), bytes);
    }
    expect(readdirSync(EXPECTED).sort()).toEqual(['allotment-results-announcement.html', 'successful-applicants.csv']);
    expect(compareTrees(actual, readTree(EXPECTED))).toEqual([]);
    const again = await runCli(['announce', '--work', work, '--offering', OFFERING]);
    expect(again.stdout).toBe(r.stdout);
    expect(compareTrees(readTree(path.join(work, 'announcement')), actual)).toEqual([]);
  });

  it('lists exactly the documents of the allotted applications of results.csv, sorted, masked, and nothing runs', () => {
    const results = parse(readFileSync(path.join(work, 'allocation/results.csv')), { columns: true }) as Record<string, string>[];
    const want = results.filter((r) => r.status === 'ALLOTTED').flatMap((r) => r.applicant_ids!.split(';').map((id) => `${id}|${r.shares_allotted}`)).sort();
    const listed = parse(readFileSync(path.join(EXPECTED, 'successful-applicants.csv')), { columns: true }) as Record<string, string>[];
    expect(listed).toHaveLength(want.length);
    const mask = (n: string) => `${n.slice(0, 2)}${'*'.repeat(n.length - 3)}${n.slice(-1)}`;
    expect(listed.map((l) => `${l.id_type}:${l.id_number}|${l.shares_allotted}`)).toEqual(want.map((w) => {
      const [id, shares] = w.split('|') as [string, string];
      const [type, number] = id.split(':') as [string, string];
      return `${type}:${mask(number)}|${shares}`;
    }));
    const html = readFileSync(path.join(EXPECTED, 'allotment-results-announcement.html'), 'utf8');
    expect(html).not.toMatch(/<script|\son[a-z]+=|https?:\/\/|<link|<img/i);
    expect(html.match(/<style>/g)).toHaveLength(1);
    for (const w of want) expect(html).not.toContain(w.split('|')[0]!.split(':')[1]!);
    expect(html).toContain('<td class="num">10,000,000</td><td class="num">1</td><td>9,041,000 shares</td><td class="num">90.41%</td>');
    expect(html).toContain('HK$<span class="blank"></span> million (to be completed by the issuer)');
  });

  it('lists numbers in full when the offering says so', async () => {
    const o = JSON.parse(readFileSync(OFFERING, 'utf8')) as Record<string, unknown>;
    const file = path.join(work, 'offering-full.json');
    writeFileSync(file, JSON.stringify({ ...o, publication: { successful_ids: 'full' } }));
    const out = path.join(work, 'full');
    expect((await runCli(['announce', '--work', work, '--offering', file, '--out', out])).code).toBe(0);
    const csv = readFileSync(path.join(out, 'successful-applicants.csv'), 'utf8');
    expect(csv.split('\n').slice(0, 3)).toEqual(['id_type,id_number,applicant,channel,shares_applied,shares_allotted', 'BR,31234567,FIRST,CLEARING,20000000,14286000', 'BR,40123456,FIRST,CLEARING,75000000,34180000']);
    expect(csv).toContain('HKID,G7890124,JOINT,CLEARING,100000,100000\n');
  });
});
