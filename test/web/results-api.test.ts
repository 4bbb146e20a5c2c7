/**
 * The results site's HTTP answers over the sample book (real HTTP on a loopback port): every
 * application of results.csv is served under each of its documents exactly as the files say
 * (results.csv, refunds.csv, summary.json's manual refunds, read here independently of the index),
 * and the site's guarantees: status codes, masking, security headers, rate limit, the publication
 * window, masked logs.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseIsoDateTime } from '../../src/ingest/iso-date-time';
import type { ResultsSite } from '../../src/pipeline/publication';
import { buildSampleWork, sampleServer, sampleSite } from './sample-site';

type Row = { [column: string]: string };
let work: string;
let site: ResultsSite;
let results: Row[];

beforeAll(async () => {
  work = await buildSampleWork();
  site = await sampleSite(work);
  results = parse(readFileSync(path.join(work, 'allocation/results.csv')), { columns: true }) as Row[];
});

/** Each results row's refund, joined independently: refunds.csv rows in order onto the next row of the same reference. */
function expectedRefunds(): (Row | 'MANUAL' | null)[] {
  const refunds = parse(readFileSync(path.join(work, 'allocation/refunds.csv')), { columns: true }) as Row[];
  const summary = JSON.parse(readFileSync(path.join(work, 'allocation/summary.json'), 'utf8')) as { manual_refunds: Row[] };
  const out: (Row | 'MANUAL' | null)[] = results.map(() => null);
  let at = 0;
  for (const f of refunds.filter((r) => r.method !== 'MANUAL')) {
    while (!(results[at]!.participant_id === f.participant_id && results[at]!.instruction_ref === f.instruction_ref)) at += 1;
    out[at++] = f;
  }
  for (const m of summary.manual_refunds) out[results.findIndex((r) => r.participant_id === m.participant_id && r.instruction_ref === m.instruction_ref)] = 'MANUAL';
  return out;
}

describe('GET /api/results over the sample book', () => {
  it('serves every application under each of its documents exactly as the files say', async () => {
    const server = await sampleServer(site);
    const refunds = expectedRefunds();
    const byId = new Map<string, number[]>();
    results.forEach((r, i) => r.applicant_ids!.split(';').filter(Boolean).forEach((id) => byId.set(id, [...(byId.get(id) ?? []), i])));
    expect(byId.size).toBe(73);
    let compared = 0;
    for (const [id, rows] of byId) {
      const [type, number] = id.split(':') as [string, string];
      const res = await server.get(`/api/results?id_type=${type}&id=${encodeURIComponent(number)}`);
      expect(res.statusCode).toBe(200);
      const body = res.json() as { id: string; applications: Record<string, any>[] };
      expect(body.id).toBe(`${number.slice(0, 2)}${'*'.repeat(number.length - 3)}${number.slice(-1)}`);
      expect(res.body).not.toContain(number);
      expect(body.applications).toHaveLength(rows.length);
      body.applications.forEach((a, n) => {
        const r = results[rows[n]!]!;
        const ids = r.applicant_ids!.split(';');
        expect([a.participant_id, a.channel, a.pool ?? '', a.shares_applied, String(a.shares_allotted), a.status, a.reason_code ?? '', a.applicants, a.applicant])
          .toEqual([r.participant_id, r.channel, r.pool, r.shares_applied, r.shares_allotted, r.status, r.reason_code, ids.length, ids.indexOf(id) === 0 ? 'FIRST' : 'JOINT']);
        const f = refunds[rows[n]!];
        if (f === 'MANUAL') expect(a.refund.status).toBe('MANUAL');
        else if (f === null) expect(a.refund).toEqual({ status: 'NONE', amount: null, method: null, reason: null, dispatch_by: null });
        else expect(a.refund).toEqual({ status: 'PAID', amount: f!.amount, method: f!.method, reason: f!.reason, dispatch_by: '2021-12-29' });
        compared += 1;
      });
    }
    // 73 rows, 2 without a readable document (HKID_CHECK_DIGIT, ID_TYPE_INVALID), 4 joint documents more.
    expect(compared).toBe(75);
    await server.close();
  });

  it('shows the sample\'s manual refund (amount paid unreadable) as a refund by hand', async () => {
    const server = await sampleServer(site);
    const res = await server.get('/api/results?id_type=HKID&id=E999999(3)');
    expect(res.json().applications[0].refund.status).toBe('MANUAL');
    expect(res.json().applications[0].text.refund).toMatch(/^The amount you paid will be refunded by hand/);
    await server.close();
  });

  it('404 looks the same for an unknown number and for a number known under another document type', async () => {
    const server = await sampleServer(site);
    const unknown = await server.get('/api/results?id_type=HKID&id=Z999999(0)');
    const otherType = await server.get('/api/results?id_type=PASSPORT&id=A1234563');
    const rejectedOnly = await server.get('/api/results?id_type=BR&id=40234567'); // a rejected application is still an application
    expect(unknown.statusCode).toBe(404);
    expect(otherType.statusCode).toBe(404);
    expect(rejectedOnly.statusCode).toBe(200);
    const strip = (b: Record<string, unknown>) => ({ ...b, id: undefined, id_type: undefined });
    expect(strip(unknown.json())).toEqual(strip(otherType.json()));
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(otherType.headers).sort());
    await server.close();
  });

  it('400 with a reason; no wildcard, prefix or listing is ever looked up', async () => {
    const server = await sampleServer(site);
    for (const [query, code] of [
      ['id_type=HKID&id=A1234567', 'HKID_CHECK_DIGIT'], ['id_type=HKID&id=A12', 'ID_INVALID'], ['id_type=HKID&id=A1*', 'ID_INVALID'],
      ['id_type=HKID&id=%25', 'ID_INVALID'], ['id_type=HKID', 'ID_MISSING'], ['id=A1234563', 'ID_TYPE_INVALID'], ['id_type=HKID&id=A1234563&id=B2345671', 'ID_INVALID'],
    ] as const) {
      const res = await server.get(`/api/results?${query}`);
      expect([query, res.statusCode, res.json().error]).toEqual([query, 400, code]);
    }
    expect((await server.get('/api/results/all')).statusCode).toBe(404);
    expect((await server.get('/api/results', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id_type":"HKID","id":"A1234563"}' })).statusCode).toBe(404);
    await server.close();
  });

  it('sends the security headers, no caching of answers, and the page\'s own assets', async () => {
    const server = await sampleServer(site);
    const res = await server.get('/api/results?id_type=HKID&id=B2345671');
    expect(res.headers['content-security-policy']).toBe("default-src 'none';script-src 'self';style-src 'self';img-src 'self';connect-src 'self';form-action 'self';base-uri 'none';frame-ancestors 'none';object-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    // Every header helmet sets (worked out once at start, the same set the fastify plugin gave),
    // on an answer, on a 404 and on a page.
    const SECURITY = {
      'content-security-policy': "default-src 'none';script-src 'self';style-src 'self';img-src 'self';connect-src 'self';form-action 'self';base-uri 'none';frame-ancestors 'none';object-src 'none'",
      'cross-origin-embedder-policy': 'require-corp', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1', 'referrer-policy': 'no-referrer', 'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff', 'x-dns-prefetch-control': 'off', 'x-download-options': 'noopen', 'x-frame-options': 'DENY',
      'x-permitted-cross-domain-policies': 'none', 'x-xss-protection': '0',
    };
    for (const r of [res, await server.get('/api/results?id_type=HKID&id=A1234563'), await server.get('/no-such-page'), await server.get('/')]) {
      expect(r.headers).toEqual(expect.objectContaining(SECURITY));
    }
    const js = await server.get('/assets/search.js');
    expect([js.statusCode, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(js.body).toContain("fetch('/api/results?'");
    expect(js.body).not.toContain('innerHTML');
    const css = await server.get('/assets/site.css');
    expect([css.statusCode, css.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
    const page = await server.get('/');
    expect([page.statusCode, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.body).toContain('<h1>SenseTime Group Inc. (Class B Shares)</h1>');
    await server.close();
  });

  it('429 once a client has used its searches for the minute, with Retry-After', async () => {
    const server = await sampleServer(site, { rateLimits: { searchesPerMinute: 3, pagesPerMinute: 100 }, trustProxy: '127.0.0.1' });
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await server.get('/api/results?id_type=HKID&id=B2345671', { headers: { 'x-forwarded-for': '10.0.0.7' } });
      codes.push(last.statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    expect(last!.json()).toEqual({ error: 'RATE_LIMITED', message: 'Too many requests from your connection. Please wait 1 minute and try again.' });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await server.get('/api/results?id_type=HKID&id=B2345671', { headers: { 'x-forwarded-for': '10.0.0.8' } })).statusCode).toBe(200);
    await server.close();
  });

  it('403 "not yet published" before results_from, page without results; 410 once the period ends', async () => {
    const before = await sampleServer(site, { now: parseIsoDateTime('2021-12-29T07:59:59')! });
    const res = await before.get('/api/results?id_type=HKID&id=B2345671');
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('NOT_YET_PUBLISHED');
    const page = await before.get('/');
    expect(page.body).toContain('Not yet published');
    expect(page.body).not.toContain('9,041,000 shares');
    await before.close();
    const after = await sampleServer(site, { now: parseIsoDateTime('2022-01-05T00:00')! });
    expect((await after.get('/api/results?id_type=HKID&id=B2345671')).statusCode).toBe(410);
    expect((await after.get('/')).body).toContain('The search by ID has closed');
    await after.close();
  });

  it('logs each request with the path and the masked number only', async () => {
    const server = await sampleServer(site);
    const logs = server.logs;
    const asked = ['B2345671', 'A1234567', 'Z9999992', 'F678901(A)'];
    for (const id of asked) await server.get(`/api/results?id_type=HKID&id=${encodeURIComponent(id)}`);
    await server.close();
    const lines = logs.join('');
    for (const id of ['B2345671', 'A1234567', 'Z9999992', 'F678901A', 'F678901(A)']) expect(lines).not.toContain(id);
    const requests = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.path, l.status, l.id])).toEqual([
      ['/api/results', 200, 'B2*****1'], ['/api/results', 400, 'A1*****7'], ['/api/results', 400, 'Z9*****2'], ['/api/results', 200, 'F6*****A'],
    ]);
  });
});
