import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadOfferingFile } from '../../../src/io/config-files';
import { basisRowsOf, parsePublishedSummary } from '../../../src/publish/published-allocation';
import { poolLevels, timesText, trancheWords } from '../../../src/publish/allotment-facts';
import { renderSitePage, siteModel } from '../../../src/publish/site-page';

const ROOT = path.join(__dirname, '../../..');
const EXPECTED = path.join(ROOT, 'samples/expected/allocation');
const offering = loadOfferingFile(path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json'));
const summary = parsePublishedSummary(JSON.parse(readFileSync(path.join(EXPECTED, 'summary.json'), 'utf8')));
const basis = basisRowsOf(parse(readFileSync(path.join(EXPECTED, 'basis-of-allocation.csv'))) as string[][]);
const window = { from: 1640736000, to: 1641312000 };
const model = siteModel(summary, basis, offering, window, 'ALLOCATED');

describe('the results page (sample book)', () => {
  it('states the facts of summary.json in the announcement\'s words', () => {
    expect(model.final_price).toBe('HK$3.85 per Offer Share (excluding brokerage of 1%, SFC transaction levy of 0.0027% and stock exchange trading fee of 0.005%).');
    expect(model.levels).toBe('44 valid applications were received under the Hong Kong Public Offering for a total of 263,170,000 Hong Kong Offer Shares, representing approximately 1.75 times the 150,000,000 Hong Kong Offer Shares initially available.');
    expect(model.pools).toEqual([
      'Pool A: 34 valid applications for 4,170,000 shares, representing approximately 0.05 times the 75,000,000 shares initially available in pool A; 34 successful.',
      'Pool B: 10 valid applications for 259,000,000 shares, representing approximately 3.45 times the 75,000,000 shares initially available in pool B; 10 successful.',
    ]);
    expect(model.tranche).toBe('No reallocation or clawback has been applied: the final number of Hong Kong Offer Shares is 150,000,000.');
    expect(model.rejections[0]).toBe('4 applications were rejected because the same applicant applied more than once (multiple applications).');
    expect(model.rejections).toHaveLength(18);
    expect(model.basis).toHaveLength(38);
  });

  it('shows the search while open, with every basis row, and nothing inline to run', () => {
    const html = renderSitePage(model, 'OPEN');
    expect(html).toContain('<form id="search-form"');
    expect(html).toContain('<td class="num">10,000,000</td><td class="num">1</td><td>9,041,000 shares</td><td class="num">90.41%</td>');
    expect(html.match(/<tr><td class="num">/g)).toHaveLength(38);
    expect(html.match(/<script/g)).toEqual(['<script']);
    expect(html).toContain('<script src="/assets/search.js" defer></script>');
    expect(html).not.toMatch(/<style|style=|\son[a-z]+=|javascript:|https?:\/\//i);
  });

  it('before results_from: only "not yet published" with the time', () => {
    const html = renderSitePage(model, 'BEFORE');
    expect(html).toContain('<h2 id="not-yet-title">Not yet published</h2>');
    expect(html).toContain('from <strong>8:00 a.m. on Wednesday, December 29, 2021</strong> (Hong Kong time)');
    for (const hidden of ['search-form', 'HK$3.85', 'Basis of allocation', '263,170,000']) expect(html).not.toContain(hidden);
  });

  it('after results_to: the facts stay, the search is closed', () => {
    const html = renderSitePage(model, 'CLOSED');
    expect(html).toContain('The search by ID has closed');
    expect(html).toContain('until 12:00 midnight on Tuesday, January 4, 2022');
    expect(html).not.toContain('search-form');
    expect(html).toContain('HK$3.85');
  });

  it('a lapsed offering says everything is refunded, with no price or basis', () => {
    const html = renderSitePage(siteModel(summary, basis, offering, window, 'LAPSED'), 'OPEN');
    expect(html).toContain('The Hong Kong Public Offering has lapsed');
    expect(html).toContain('refunded in full');
    expect(html).toContain('search-form');
    expect(html).not.toContain('Basis of allocation');
  });

  it('escapes text from the files', () => {
    const hostile = siteModel(summary, [{ pool: 'A', shares_applied: '1000', valid_applications: '1', basis: '<img src=x onerror=alert(1)>', approx_pct_allotted: '1.00' }], { ...offering, issuer: 'A & "B" <i>' }, window, 'ALLOCATED');
    const html = renderSitePage(hostile, 'OPEN');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<h1>A &amp; &quot;B&quot; &lt;i&gt; (Class B Shares)</h1>');
    expect(html).not.toContain('<img');
  });
});

describe('allotment facts', () => {
  it('times are rounded down to two decimals, in whole numbers', () => {
    expect(timesText(6921095000, 150000000)).toBe('46.14');
    expect(timesText(1, 3)).toBe('0.33');
    expect(timesText(5, 0)).toBe('0.00');
  });

  it('words a clawback, a reallocation and a shortfall', () => {
    const clawback = { ...summary, clawback: { min_multiple: 15, hong_kong_pct: '30' }, hong_kong_tranche: { initial_shares: 150000000, final_shares: 450000000, shortfall_to_international_shares: 0 } };
    expect(trancheWords(clawback)).toBe('As valid applications represent at least 15 times the Hong Kong Offer Shares initially available, the reallocation procedure (clawback) described in the prospectus has been applied: the Hong Kong Offer Shares have been increased from 150,000,000 to 450,000,000 shares, 30% of the Offer Shares initially available under the Global Offering.');
    const reallocated = { ...summary, reallocated_shares: 150000000, hong_kong_tranche: { initial_shares: 150000000, final_shares: 300000000, shortfall_to_international_shares: 0 } };
    expect(trancheWords(reallocated)).toBe('150,000,000 Offer Shares have been reallocated from the International Offering to the Hong Kong Public Offering: the Hong Kong Offer Shares have been increased from 150,000,000 to 300,000,000 shares.');
    const short = { ...summary, hong_kong_tranche: { initial_shares: 150000000, final_shares: 150000000, shortfall_to_international_shares: 20000000 } };
    expect(trancheWords(short)).toMatch(/undersubscribed: 20,000,000 Hong Kong Offer Shares not taken up have been reallocated to the International Offering\.$/);
    expect(poolLevels(summary, 1000).map((p) => p.initial_shares)).toEqual([75000000, 75000000]);
  });
});
