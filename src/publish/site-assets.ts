/**
 * The results page's stylesheet and search script, served as files of their own
 * (`/assets/site.css`, `/assets/search.js`): the Content-Security-Policy allows no inline script
 * or style and nothing from another origin. The script asks `/api/results` and writes the answer
 * with textContent only (never as HTML), so nothing in an answer can become markup. The number
 * searched stays out of the address bar and the browser history. Pure data.
 */

export const SITE_CSS = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","PingFang HK","Microsoft JhengHei",sans-serif;font-size:1rem;line-height:1.5;color:#1b1b1b;background:#f6f6f4}
header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem;border-bottom:3px solid #0b3d62}
header h1{margin:.25rem 0;font-size:1.5rem;color:#0b3d62}
header p{margin:.25rem 0}
.code{font-weight:600;letter-spacing:.05em;color:#555}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem;margin:1rem 0}
h2{font-size:1.2rem;margin:.25rem 0 .75rem;color:#0b3d62}
form{display:grid;grid-template-columns:1fr;gap:.5rem;align-items:end}
label{font-weight:600}
select,input,button{font:inherit;padding:.6rem .7rem;border:1px solid #888;border-radius:4px;min-height:2.75rem;width:100%}
button{background:#0b3d62;color:#fff;border-color:#0b3d62;font-weight:600;cursor:pointer}
button:focus,input:focus,select:focus{outline:3px solid #f0b400;outline-offset:1px}
.hint{color:#444;font-size:.9rem}
.notice{border-left:6px solid #f0b400}
#result:empty{display:none}
#result{margin-top:1rem}
.message{padding:.75rem;border-radius:4px;background:#fff4d6;border:1px solid #e0c060}
.message.error{background:#fde8e8;border-color:#d88}
.application{border:1px solid #ccc;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}
.application h3{margin:0 0 .5rem;font-size:1.05rem}
.application.ALLOTTED{border-left:6px solid #1c7c3c}
.application.UNSUCCESSFUL{border-left:6px solid #777}
.application.REJECTED{border-left:6px solid #b3261e}
dl{display:grid;grid-template-columns:1fr;gap:.1rem 1rem;margin:0}
dt{font-weight:600;color:#333;margin-top:.4rem}
dd{margin:0}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{border:1px solid #ccc;padding:.35rem .5rem;vertical-align:top}
th{background:#eef2f6;text-align:left;font-weight:600}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
footer{color:#555;font-size:.85rem;padding-bottom:2rem}
@media (min-width:40rem){
form{grid-template-columns:minmax(16rem,1fr) minmax(10rem,2fr) auto;grid-template-areas:"tl nl ." "ts ni b"}
form label[for=id_type]{grid-area:tl}form label[for=id]{grid-area:nl}
form select{grid-area:ts}form input{grid-area:ni}form button{grid-area:b;width:auto}
dl{grid-template-columns:12rem 1fr}dt{margin-top:0}
header h1{font-size:1.9rem}
}
@media print{body{background:#fff}section{border:0}#search{display:none}}
`;

export const SEARCH_JS = `(function () {
  'use strict';
  var form = document.getElementById('search-form');
  var out = document.getElementById('result');
  if (!form || !out) return;

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function shares(n) {
    var s = String(n);
    return /^[0-9]+$/.test(s) ? s.replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',') : s;
  }
  function message(text, isError) {
    out.textContent = '';
    var p = el('p', isError ? 'message error' : 'message', text);
    p.setAttribute('role', isError ? 'alert' : 'status');
    out.appendChild(p);
  }
  function row(dl, term, value, name) {
    if (value === null || value === undefined) return;
    dl.appendChild(el('dt', null, term));
    var dd = el('dd', null, value);
    if (name) dd.setAttribute('data-field', name);
    dl.appendChild(dd);
  }
  function render(status, body) {
    if (status !== 200) {
      message(body && body.message ? body.message : 'The search is not available just now. Please try again later.', status !== 404);
      out.setAttribute('data-outcome', body && body.error ? body.error : String(status));
      return;
    }
    out.textContent = '';
    out.setAttribute('data-outcome', 'FOUND');
    var apps = body.applications;
    var title = el('h2', null, 'Results for ' + body.id_type + ' ' + body.id);
    title.setAttribute('tabindex', '-1');
    out.appendChild(title);
    out.appendChild(el('p', null, apps.length === 1 ? '1 application found.' : apps.length + ' applications found.'));
    apps.forEach(function (a, i) {
      var card = el('article', 'application ' + a.status);
      card.setAttribute('data-status', a.status);
      card.setAttribute('data-shares-allotted', String(a.shares_allotted));
      card.setAttribute('data-refund-amount', a.refund.amount === null ? '' : a.refund.amount);
      card.appendChild(el('h3', null, 'Application ' + (i + 1) + ': ' + a.text.channel));
      var dl = el('dl');
      row(dl, 'Result', a.text.status, 'status');
      row(dl, 'Shares applied for', shares(a.shares_applied), 'shares_applied');
      row(dl, 'Shares allotted', shares(a.shares_allotted), 'shares_allotted');
      row(dl, 'Refund', a.text.refund, 'refund');
      row(dl, 'Shares', a.text.shares, 'shares_delivery');
      if (a.applicants > 1) {
        row(dl, 'Applicants', 'Joint application of ' + a.applicants + ' applicants; this number is ' + (a.applicant === 'FIRST' ? 'the first applicant' : 'a joint applicant') + '.', 'applicants');
      }
      card.appendChild(dl);
      out.appendChild(card);
    });
    title.focus();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var query = new URLSearchParams({ id_type: form.elements.id_type.value, id: form.elements.id.value });
    message('Searching...', false);
    out.setAttribute('data-outcome', 'SEARCHING');
    fetch('/api/results?' + query.toString(), { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'omit' })
      .then(function (res) {
        return res.json().then(function (body) { render(res.status, body); }, function () { render(res.status, null); });
      })
      .catch(function () {
        message('The search is not available just now. Please try again later.', true);
        out.setAttribute('data-outcome', 'NETWORK');
      });
  });
})();
`;
