/**
 * The results site's page (`GET /`): the offering, final price, levels of application, the
 * clawback or reallocation, the basis-of-allocation table and the search form; before the
 * publication instant only a "not yet published" notice with the time; after the search period
 * the facts stay and the form gives way to a notice. One static page per phase, rendered once at
 * start. No inline script or style (the Content-Security-Policy forbids both): the stylesheet and
 * the search script are files of their own (site-assets.ts). Pure.
 */
import type { Offering } from '../offering/schema';
import { ID_TYPES } from '../domain/types';
import { finalPriceWords, levelsWords, poolLevels, poolWords, rejectionLines, trancheWords } from './allotment-facts';
import { escapeHtml as h } from './html-text';
import { idTypeName, MAX_QUERY_CHARACTERS } from './identity-query';
import type { PublishedBasisRow, PublishedSummary } from './published-allocation';
import { instantWords, PublicationPhase, PublicationWindow } from './publication-window';
import { sharesWords } from './result-wording';

/** Allocated (a final allocation) or lapsed (the offering did not become unconditional: everything refunded). */
export type PublicationOutcome = 'ALLOCATED' | 'LAPSED';

export interface SiteModel {
  stock_code: string;
  issuer: string;
  share_class: string | null;
  outcome: PublicationOutcome;
  window: PublicationWindow;
  final_price: string;
  levels: string;
  pools: string[];
  tranche: string;
  rejections: string[];
  basis: PublishedBasisRow[];
}

export function siteModel(summary: PublishedSummary, basis: readonly PublishedBasisRow[], offering: Offering, window: PublicationWindow, outcome: PublicationOutcome): SiteModel {
  return {
    stock_code: offering.stock_code,
    issuer: offering.issuer,
    share_class: offering.share_class ?? null,
    outcome,
    window,
    final_price: finalPriceWords(summary, offering),
    levels: levelsWords(summary),
    pools: poolLevels(summary, offering.board_lot).filter((p) => p.valid_applications > 0).map(poolWords),
    tranche: trancheWords(summary),
    rejections: rejectionLines(summary),
    basis: [...basis],
  };
}

function basisTable(rows: readonly PublishedBasisRow[], pool: string): string {
  const mine = rows.filter((r) => r.pool === pool);
  if (mine.length === 0) return '';
  const body = mine.map((r) =>
    `<tr><td class="num">${h(sharesWords(r.shares_applied))}</td><td class="num">${h(sharesWords(r.valid_applications))}</td><td>${h(r.basis)}</td><td class="num">${h(r.approx_pct_allotted)}%</td></tr>`).join('\n');
  return `<div class="table-wrap"><table>
<caption>Pool ${h(pool)}</caption>
<thead><tr><th scope="col">Number of shares applied for</th><th scope="col">Number of valid applications</th><th scope="col">Basis of allotment / ballot</th><th scope="col">Approximate percentage allotted of the total number of shares applied for</th></tr></thead>
<tbody>
${body}
</tbody>
</table></div>`;
}

function searchForm(m: SiteModel): string {
  const options = ID_TYPES.map((t) => `<option value="${t}">${h(idTypeName(t))}</option>`).join('');
  return `<section id="search" aria-labelledby="search-title">
<h2 id="search-title">Search by identity document</h2>
<form id="search-form" action="/api/results" method="get" autocomplete="off" novalidate>
<label for="id_type">Identity document</label>
<select id="id_type" name="id_type">${options}</select>
<label for="id">Number</label>
<input id="id" name="id" type="text" maxlength="${MAX_QUERY_CHARACTERS}" spellcheck="false" autocapitalize="characters" required placeholder="e.g. A123456(3)">
<button type="submit">Search</button>
</form>
<p class="hint">Enter the number as given on the application. Joint applicants may search by any of their numbers. Available until ${h(instantWords(m.window.to))} (Hong Kong time).</p>
<noscript><p class="notice">The search needs JavaScript. Without it, the form returns the result as data.</p></noscript>
<div id="result" aria-live="polite"></div>
</section>`;
}

function facts(m: SiteModel): string {
  if (m.outcome === 'LAPSED') {
    return `<section id="facts" aria-labelledby="facts-title">
<h2 id="facts-title">The Hong Kong Public Offering has lapsed</h2>
<p>The conditions of the Global Offering were not fulfilled. No shares have been allotted, and the money paid on every application, with brokerage and levies, is refunded in full, without interest. Search by identity document to see your refund.</p>
</section>`;
  }
  return `<section id="facts" aria-labelledby="facts-title">
<h2 id="facts-title">Final offer price</h2>
<p id="final-price">${h(m.final_price)}</p>
<h2>Levels of application</h2>
<p id="levels">${h(m.levels)}</p>
<ul id="pools">${m.pools.map((p) => `<li>${h(p)}</li>`).join('')}</ul>
<p id="tranche">${h(m.tranche)}</p>
${m.rejections.length ? `<ul id="rejections">${m.rejections.map((r) => `<li>${h(r)}</li>`).join('')}</ul>` : ''}
</section>
<section id="basis" aria-labelledby="basis-title">
<h2 id="basis-title">Basis of allocation</h2>
${basisTable(m.basis, 'A')}
${basisTable(m.basis, 'B')}
</section>`;
}

export function renderSitePage(m: SiteModel, phase: PublicationPhase): string {
  const name = `${m.issuer}${m.share_class ? ` (${m.share_class})` : ''}`;
  let main: string;
  if (phase === 'BEFORE') {
    main = `<section class="notice" id="not-yet" aria-labelledby="not-yet-title">
<h2 id="not-yet-title">Not yet published</h2>
<p>The results of allocations will be available here from <strong>${h(instantWords(m.window.from))}</strong> (Hong Kong time) until ${h(instantWords(m.window.to))}.</p>
</section>`;
  } else if (phase === 'CLOSED') {
    main = `<section class="notice" id="closed" aria-labelledby="closed-title">
<h2 id="closed-title">The search by ID has closed</h2>
<p>It was available until ${h(instantWords(m.window.to))} (Hong Kong time). The allotment results announcement remains published; for an application, ask the channel you applied by or the share registrar.</p>
</section>
${facts(m)}`;
  } else {
    main = `${searchForm(m)}\n${facts(m)}`;
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(m.stock_code)} ${h(m.issuer)}: allotment results</title>
<link rel="stylesheet" href="/assets/site.css">
<script src="/assets/search.js" defer></script>
</head>
<body>
<header>
<p class="code">Stock code ${h(m.stock_code)}</p>
<h1>${h(name)}</h1>
<p>Hong Kong Public Offering: results of allocations</p>
</header>
<main>
${main}
</main>
<footer><p>All times are Hong Kong times. Identity document numbers are shown masked.</p></footer>
</body>
</html>
`;
}
