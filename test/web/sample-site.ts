/**
 * The sample book (npm start's exact arguments, over a copy of samples/inbox) in a temporary work
 * folder, and the results site over it, for the API and browser tests.
 */
import { Writable } from 'node:stream';
import { copyInbox, OFFERING, ROOT, runCli, startScriptArgs, tempDir } from '../unit/refund/cli-harness';
import * as path from 'node:path';
import { createLogger } from '../../src/io/log';
import { loadOfferingFile } from '../../src/io/config-files';
import { loadResultsSite, ResultsSite } from '../../src/pipeline/publication';
import { buildResultsServer, RateLimits } from '../../src/web/results-site';
import { parseIsoDateTime } from '../../src/ingest/iso-date-time';

export { OFFERING };

/** Runs the sample book into a new work folder; returns the folder. */
export async function buildSampleWork(): Promise<string> {
  const work = tempDir('publish-work');
  const inbox = tempDir('publish-inbox');
  copyInbox(path.join(ROOT, 'samples/inbox'), inbox);
  const r = await runCli(startScriptArgs({ work, inbox }));
  if (r.code !== 0) throw new Error(`sample run failed: ${r.stderr}`);
  return work;
}

export const OPEN_AT = parseIsoDateTime('2021-12-29T09:00')!;

export async function sampleSite(work: string): Promise<ResultsSite> {
  return loadResultsSite(work, loadOfferingFile(OFFERING));
}

function headersOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, name) => { out[name] = value; });
  return out;
}

export interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  json: () => any;
}

/**
 * A server over the site with a fixed clock, listening on a loopback port (fastify.inject cannot
 * load its ESM cookie module under jest on Node 20, so the tests speak real HTTP); `logs` collects
 * every JSON log line. With `trustProxy`, X-Forwarded-For names the client (to test the rate limit
 * per client from one test process).
 */
export async function sampleServer(site: ResultsSite, options: { now?: number; rateLimits?: RateLimits; trustProxy?: string } = {}) {
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } });
  const app = await buildResultsServer({
    site, clock: () => options.now ?? OPEN_AT, logger: createLogger(sink as never),
    rateLimits: options.rateLimits ?? { searchesPerMinute: 100000, pagesPerMinute: 100000 }, trustProxy: options.trustProxy,
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const get = async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> => {
    const res = await fetch(base + url, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
    const body = await res.text();
    return { statusCode: res.status, headers: headersOf(res.headers), body, json: () => JSON.parse(body) };
  };
  return { app, logs, base, get, close: () => app.close() };
}
