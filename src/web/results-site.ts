/**
 * The results site: a thin Fastify shell over src/publish/. Routes:
 *   GET /                  the page for the current publication phase (pre-rendered at start)
 *   GET /assets/site.css   the stylesheet      GET /assets/search.js   the search script
 *   GET /api/results?id_type=HKID&id=A1234563   one identity's applications (publish/lookup-response.ts)
 * Security: helmet's headers with a strict Content-Security-Policy (nothing inline, nothing from
 * another origin), a per-client rate limit (tighter on the API), no caching of answers, no
 * request bodies. Logs: one line per request with the path only and, for a search, the document
 * type and the MASKED number; never a query string, a full number or a name.
 */
import Fastify, { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, LogController } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import { parseIdentityQuery } from '../publish/identity-query';
import { publicationPhase, PublicationPhase } from '../publish/publication-window';
import { renderSitePage } from '../publish/site-page';
import { SEARCH_JS, SITE_CSS } from '../publish/site-assets';
import { siteAnswer, type ResultsSite } from '../pipeline/publication';

import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limits';

export { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limits';

export interface ResultsServerOptions {
  site: ResultsSite;
  /** The clock, in epoch seconds (the command reads the system clock; tests fix it). */
  clock: () => number;
  logger: Logger;
  rateLimits?: RateLimits;
  /** Fastify's trustProxy: the proxies whose X-Forwarded-For names the client (rate limit per real client). */
  trustProxy?: string | boolean;
}

const CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
  },
};

interface LookupLog {
  id_type: string | null;
  id: string | null;
}

/** The headers helmet sets for these options, by running its middleware once on a recording response. */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => { headers[name.toLowerCase()] = String(value); },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()]; },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously');
  return headers;
}

export async function buildResultsServer(o: ResultsServerOptions): Promise<FastifyInstance> {
  const limits = o.rateLimits ?? DEFAULT_RATE_LIMITS;
  const app = Fastify({
    loggerInstance: o.logger as FastifyBaseLogger,
    // Fastify's own request lines would carry the query string (the number): one masked line is written in onResponse instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024,
    trustProxy: o.trustProxy ?? false,
    return503OnClosing: true,
  });
  const lookups = new WeakMap<FastifyRequest, LookupLog>();
  const pages: Record<PublicationPhase, string> = {
    BEFORE: renderSitePage(o.site.model, 'BEFORE'),
    OPEN: renderSitePage(o.site.model, 'OPEN'),
    CLOSED: renderSitePage(o.site.model, 'CLOSED'),
  };
  const phaseNow = () => publicationPhase(o.site.context.window, o.clock());

  // helmet's headers, worked out once: they depend on nothing of the request (no nonces), and the
  // fastify plugin built them again on every request (7% of a lookup's CPU under load).
  const security = helmetHeaders({ contentSecurityPolicy: CSP, referrerPolicy: { policy: 'no-referrer' }, crossOriginEmbedderPolicy: true, frameguard: { action: 'deny' } });
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(security);
    done();
  });
  await app.register(rateLimit, {
    global: true,
    max: limits.pagesPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, error: 'RATE_LIMITED', message: `Too many requests from your connection. Please wait ${ctx.after} and try again.` }),
  });

  app.addHook('onSend', async (_req, reply) => {
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), interest-cohort=()');
  });
  app.addHook('onResponse', async (req, reply) => {
    const lookup = lookups.get(req);
    const path = req.url.split('?')[0];
    req.log.info({ method: req.method, path, status: reply.statusCode, ms: Math.round(reply.elapsedTime), ...(lookup ?? {}) }, 'request');
  });

  app.get('/', async (_req, reply) => {
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    return pages[phaseNow()];
  });
  app.get('/assets/site.css', async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300').type('text/css; charset=utf-8');
    return SITE_CSS;
  });
  app.get('/assets/search.js', async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300').type('text/javascript; charset=utf-8');
    return SEARCH_JS;
  });
  // Browsers ask for it on their own; no icon, and no 404 in their console.
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
  app.get('/api/results', { config: { rateLimit: { max: limits.searchesPerMinute, timeWindow: 60_000 } } }, async (req: FastifyRequest, reply: FastifyReply) => {
    const query = parseIdentityQuery(req.query as Record<string, unknown>);
    lookups.set(req, { id_type: query.id_type, id: query.masked });
    const answer = siteAnswer(o.site, query, phaseNow());
    reply.code(answer.statusCode).header('cache-control', 'no-store').type('application/json; charset=utf-8');
    return answer.body;
  });

  app.setNotFoundHandler(async (req, reply) => {
    reply.code(404).header('cache-control', 'no-store');
    if (req.url.startsWith('/api/')) return { error: 'NO_SUCH_ENDPOINT', message: 'There is no such endpoint.' };
    reply.type('text/plain; charset=utf-8');
    return 'Not found.\n';
  });
  app.setErrorHandler(async (err: { statusCode?: number; error?: string; message?: string; name?: string }, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    reply.code(status).header('cache-control', 'no-store');
    if (status === 429) return { error: 'RATE_LIMITED', message: err.message };
    if (status >= 500) req.log.error({ path: req.url.split('?')[0], error: err.name }, 'request failed');
    return { error: status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', message: status >= 500 ? 'The search is not available just now. Please try again later.' : 'The request could not be read.' };
  });
  return app;
}
