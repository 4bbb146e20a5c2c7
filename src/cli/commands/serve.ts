/**
 * `serve --work DIR --offering FILE [--port 8080] [--host 127.0.0.1] [--clock DATE-TIME]
 *  [--searches-per-minute 30] [--pages-per-minute 120] [--trust-proxy LIST] [--log FILE|-]`
 * The results site over a final allocation (docs/publish.md): refuses anything else before it
 * listens (exit 2, or 74 for files that do not match their manifest). Runs until SIGINT or
 * SIGTERM, then closes its connections and exits 0. JSON logs (numbers masked) go to
 * `<work>/logs/serve.log`, or `--log FILE`, or `--log -` for stderr.
 */
import { Command } from 'commander';
import * as path from 'node:path';
import type { CliIo } from '../cli-io';
import { UsageError } from '../../domain/errors';
import { parseIsoDateTime } from '../../ingest/iso-date-time';
import { loadOfferingFile } from '../../io/config-files';
import { instantWords, publicationPhase } from '../../publish/publication-window';
import { DEFAULT_RATE_LIMITS } from '../../web/rate-limits';

interface ServeOpts {
  work: string;
  offering: string;
  port: string;
  host: string;
  clock?: string;
  searchesPerMinute: string;
  pagesPerMinute: string;
  trustProxy?: string;
  log?: string;
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n < min || n > max) throw new UsageError(`${flag} "${text}" must be a whole number from ${min} to ${max}`);
  return n;
}

/** Resolves when the command is told to stop: io.stop aborted, or SIGINT / SIGTERM. */
function untilStopped(io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    if (io.stop) {
      if (io.stop.aborted) resolve();
      else io.stop.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

const PHASE_WORDS = { BEFORE: 'not yet published', OPEN: 'open', CLOSED: 'closed (the search period has ended)' } as const;

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('serve the results site ("search by ID") over a final allocation')
    .requiredOption('--work <dir>', 'work folder holding the final allocation (allocation/)')
    .requiredOption('--offering <file>', 'offering JSON file (its timetable.after_close gives the results period)')
    .option('--port <n>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--clock <date-time>', 'fix the clock at this Hong Kong date-time (rehearsals and tests); default the system clock')
    .option('--searches-per-minute <n>', 'searches per client per minute', String(DEFAULT_RATE_LIMITS.searchesPerMinute))
    .option('--pages-per-minute <n>', 'other requests per client per minute', String(DEFAULT_RATE_LIMITS.pagesPerMinute))
    .option('--trust-proxy <addresses>', 'comma-separated proxy addresses or CIDRs whose X-Forwarded-For names the client')
    .option('--log <file>', 'JSON log file, or - for stderr (default: <work>/logs/serve.log)')
    .action(async (opts: ServeOpts) => {
      const offering = loadOfferingFile(opts.offering);
      const port = wholeNumber(opts.port, '--port', 0, 65535);
      const rateLimits = {
        searchesPerMinute: wholeNumber(opts.searchesPerMinute, '--searches-per-minute', 1, 1e9),
        pagesPerMinute: wholeNumber(opts.pagesPerMinute, '--pages-per-minute', 1, 1e9),
      };
      let clock = () => Math.floor(Date.now() / 1000);
      if (opts.clock !== undefined) {
        const fixed = parseIsoDateTime(opts.clock);
        if (fixed === null) throw new UsageError(`--clock "${opts.clock}" is not a date-time such as 2021-12-29T09:00`);
        clock = () => fixed;
      }
      // Loaded when the command runs: the other commands start without fastify.
      const { loadResultsSite } = await import('../../pipeline/publication');
      const { buildResultsServer } = await import('../../web/results-site');
      const { createLogger } = await import('../../io/log');
      const { default: pino } = await import('pino');
      const site = await loadResultsSite(opts.work, offering);
      const logFile = opts.log ?? path.join(opts.work, 'logs', 'serve.log');
      const destination = logFile === '-' ? pino.destination({ fd: 2, sync: false }) : pino.destination({ dest: logFile, mkdir: true, sync: false, append: true });
      const logger = createLogger(destination);
      const app = await buildResultsServer({ site, clock, logger, rateLimits, trustProxy: opts.trustProxy });
      const address = await app.listen({ port, host: opts.host });
      const w = site.context.window;
      logger.info({ address, applications: site.index.applications, identities: site.index.identities, load_seconds: site.loadSeconds }, 'serving');
      io.stdout([
        `serving ${offering.stock_code} ${offering.issuer}: ${site.index.applications} applications, ${site.index.identities} identity documents (index ${(site.index.bytes / 1048576).toFixed(1)} MB, loaded in ${site.loadSeconds.toFixed(2)} s)`,
        `results from ${instantWords(w.from)} to ${instantWords(w.to)} (Hong Kong time); now ${PHASE_WORDS[publicationPhase(w, clock())]}`,
        `listening on ${address}`,
      ].join('\n') + '\n');
      await untilStopped(io);
      await app.close();
      logger.info('stopped');
      // Asynchronous destination: wait for its last lines (flushSync throws while a write is in flight).
      await new Promise<void>((resolve) => destination.flush(() => resolve()));
    });
}
