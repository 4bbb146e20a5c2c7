/**
 * The allotment results announcement: one self-contained HTML file, print-ready (A4, one
 * stylesheet inline, no script, nothing fetched from anywhere), in the order and words of a Hong
 * Kong allotment results announcement: final offer price, net proceeds (left blank for the
 * issuer to complete), levels of valid applications overall and per pool, the clawback or
 * reallocation applied, the rejections, the basis of allocation, the dates of refunds,
 * certificates and dealings, and the successful applicants' identification document numbers.
 * The same inputs give the same bytes (no time of writing, no host). Pure: yields text chunks so a
 * list of a million numbers is written without one giant string.
 */
import { formatThousands } from '../money/money';
import type { Offering } from '../offering/schema';
import type { EffectiveAfterClose } from '../validate/timetable';
import { finalPriceWords, levelsWords, poolLevels, poolWords, rejectionLines, trancheWords } from './allotment-facts';
import { escapeHtml as h } from './html-text';
import type { PublishedBasisRow, PublishedSummary } from './published-allocation';
import { dateWords } from './publication-window';
import { sharesWords } from './result-wording';
import type { PublicationOutcome } from './site-page';
import { IdForm, shownIdentity, SuccessfulApplicant } from './successful-applicants';

export interface AnnouncementInput {
  offering: Offering;
  summary: PublishedSummary;
  basis: readonly PublishedBasisRow[];
  successful: readonly SuccessfulApplicant[];
  /** Effective after-close dates, or null when the offering does not set them. */
  dates: EffectiveAfterClose | null;
  form: IdForm;
  outcome: PublicationOutcome;
}

const STYLE = `@page{size:A4;margin:18mm 16mm}
*{box-sizing:border-box}
body{font-family:"Times New Roman",Times,"Noto Serif","PMingLiU",serif;font-size:10.5pt;line-height:1.4;color:#000;max-width:190mm;margin:0 auto;padding:8mm 0}
h1{font-size:15pt;text-align:center;margin:0 0 2mm}
h2{font-size:11.5pt;text-transform:uppercase;margin:6mm 0 2mm;border-bottom:1px solid #000;break-after:avoid}
.issuer{text-align:center;font-weight:700;font-size:13pt;margin:0}
.sub{text-align:center;margin:0 0 4mm}
table{border-collapse:collapse;width:100%;margin:2mm 0 4mm}
caption{text-align:left;font-weight:700;padding:1mm 0}
th,td{border:1px solid #000;padding:1mm 2mm;vertical-align:top}
th{background:#eee;text-align:left}
thead{display:table-header-group}
tr{break-inside:avoid}
td.num{text-align:right;white-space:nowrap}
.blank{display:inline-block;min-width:40mm;border-bottom:1px dotted #000}
.ids{font-family:"Courier New",Courier,monospace;font-size:9pt}
.ids td{padding:.4mm 2mm}
.note{font-size:9pt}
@media screen{body{padding:8mm}}
`;

function basisTable(rows: readonly PublishedBasisRow[], pool: string, successful: number): string {
  const mine = rows.filter((r) => r.pool === pool);
  if (mine.length === 0) return '';
  const body = mine.map((r) =>
    `<tr><td class="num">${h(sharesWords(r.shares_applied))}</td><td class="num">${h(sharesWords(r.valid_applications))}</td><td>${h(r.basis)}</td><td class="num">${h(r.approx_pct_allotted)}%</td></tr>`).join('\n');
  return `<table>
<caption>Pool ${h(pool)}</caption>
<thead><tr><th>Number of shares applied for</th><th>Number of valid applications</th><th>Basis of allotment / ballot</th><th>Approximate percentage allotted of the total number of shares applied for</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
<p>Total number of pool ${h(pool)} successful applicants: ${formatThousands(successful)}</p>
`;
}

function summaryTable(i: AnnouncementInput): string {
  const s = i.summary;
  const rows: [string, string][] = [
    ['Final offer price', s.final_price === null ? 'none (the offering lapsed)' : `HK$${s.final_price} per Offer Share`],
    ['Net proceeds from the Global Offering', 'HK$<span class="blank"></span> million (to be completed by the issuer)'],
    ['Number of valid applications', formatThousands(s.applications.valid)],
    ['Hong Kong Offer Shares applied for', formatThousands(s.demand_shares)],
    ['Subscription level', `approximately ${h(s.subscription_multiple)} times`],
    ['Clawback or reallocation', s.clawback ? `clawback to ${h(s.clawback.hong_kong_pct)}% of the Offer Shares` : s.reallocated_shares > 0 ? `${formatThousands(s.reallocated_shares)} shares reallocated` : 'none'],
    ['Final number of Hong Kong Offer Shares', formatThousands(s.hong_kong_tranche.final_shares)],
    ['Number of successful applications', formatThousands(s.applications.successful)],
  ];
  return `<table class="summary"><tbody>
${rows.map(([k, v]) => `<tr><th scope="row">${h(k)}</th><td>${v}</td></tr>`).join('\n')}
</tbody></table>`;
}

function datesSection(d: EffectiveAfterClose | null): string {
  if (!d) return '';
  return `<h2>Dispatch of refunds and share certificates, and dealings</h2>
<p>Refund cheques and White Form e-Refund payment instructions, and refunds by direct credit, will be dispatched or made on or before ${h(dateWords(d.refund_dispatch))}.</p>
<p>Share certificates will be dispatched, or deposited into CCASS, on or before ${h(dateWords(d.certificate_dispatch))}. They will become valid evidence of title only when the Global Offering has become unconditional.</p>
<p>Dealings in the shares on the Stock Exchange are expected to commence on ${h(dateWords(d.listing))}.</p>
`;
}

function* successfulList(i: AnnouncementInput): Generator<string> {
  const how = i.form === 'full' ? 'in full' : 'masked (the first two and the last character shown)';
  yield `<h2>Results of allocations</h2>
<p>The identification document numbers of the wholly or partially successful applicants under the Hong Kong Public Offering, joint applicants included, are listed below ${how}, sorted by document type and number, with the number of shares applied for and allotted. The same list is published as successful-applicants.csv.</p>
<table class="ids">
<thead><tr><th>Document</th><th>Number</th><th>Applicant</th><th>Shares applied for</th><th>Shares allotted</th></tr></thead>
<tbody>
`;
  let chunk = '';
  for (const a of i.successful) {
    const id = shownIdentity(a.key, i.form);
    chunk += `<tr><td>${h(id.id_type)}</td><td>${h(id.id_number)}</td><td>${a.applicant === 'FIRST' ? 'first' : 'joint'}</td><td class="num">${h(sharesWords(a.shares_applied))}</td><td class="num">${formatThousands(a.shares_allotted)}</td></tr>\n`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}</tbody>
</table>
<p>${formatThousands(i.successful.length)} identification document numbers listed.</p>
`;
}

export function* renderAnnouncement(i: AnnouncementInput): Generator<string> {
  const o = i.offering;
  const s = i.summary;
  const date = i.dates ? `<p class="sub">${h(dateWords(i.dates.announcement))}</p>` : '';
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(o.stock_code)} ${h(o.issuer)}: allotment results announcement</title>
<style>
${STYLE}</style>
</head>
<body>
<p class="issuer">${h(o.issuer)}</p>
<p class="sub">${o.share_class ? `${h(o.share_class)}, ` : ''}Stock code: ${h(o.stock_code)}</p>
<h1>Allotment results announcement</h1>
${date}`;
  if (i.outcome === 'LAPSED') {
    yield `<h2>The Hong Kong Public Offering has lapsed</h2>
<p>The conditions of the Global Offering have not been fulfilled and the Global Offering has lapsed. No shares have been allotted. The money paid on every application, together with the brokerage and levies paid, is refunded in full, without interest.</p>
${datesSection(i.dates)}<p class="note">All dates and times in this announcement refer to Hong Kong dates and times.</p>
</body>
</html>
`;
    return;
  }
  yield `<h2>Summary</h2>
${summaryTable(i)}
<h2>Final offer price and net proceeds</h2>
<p>The final offer price has been determined at ${h(finalPriceWords(s, o))}</p>
<p>The net proceeds from the Global Offering to be received by the issuer, after deduction of underwriting fees and commissions and estimated expenses payable in connection with the Global Offering, are estimated to be approximately HK$<span class="blank"></span> million (to be completed by the issuer).</p>
<h2>Levels of applications under the Hong Kong Public Offering</h2>
<p>${h(levelsWords(s))}</p>
<ul>${poolLevels(s, o.board_lot).map((p) => `<li>${h(poolWords(p))}</li>`).join('')}</ul>
<p>${h(trancheWords(s))}</p>
${rejectionLines(s).length ? `<ul>${rejectionLines(s).map((r) => `<li>${h(r)}</li>`).join('')}</ul>` : ''}
<h2>Basis of allocation under the Hong Kong Public Offering</h2>
<p>Subject to the satisfaction of the conditions set out in the prospectus, valid applications made by the public have been conditionally allocated on the basis set out below:</p>
${basisTable(i.basis, 'A', s.pools.A.successful_applications)}${basisTable(i.basis, 'B', s.pools.B.successful_applications)}${datesSection(i.dates)}`;
  yield* successfulList(i);
  yield `<p class="note">All dates and times in this announcement refer to Hong Kong dates and times.</p>
</body>
</html>
`;
}
