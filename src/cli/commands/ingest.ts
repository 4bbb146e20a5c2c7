/**
 * `ingest --offering FILE --participants FILE --inbox DIR --work DIR [--close-lists] [--log FILE|-]`
 * A thin shell over pipeline/ingest.ts: one progress line per file and a final count on stderr;
 * pino JSON lines to `<work>/logs/ingest.log` (or `--log FILE`, or `--log -` for stderr).
 * Exit 0 when it ran (rejections are results), 2 for unusable arguments or configuration.
 */
import { Command } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CliIo } from '../cli-io';
import { loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { createLogger, openLogDestination } from '../../io/log';
import { ensureFolder } from '../../io/ensure-folder';
import { UsageError } from '../../domain/errors';
import { formatFileProgress, formatIgnored, formatTotals, ingestInbox } from '../../pipeline/ingest';

interface IngestOpts {
  offering: string;
  participants: string;
  inbox: string;
  work: string;
  closeLists?: boolean;
  log?: string;
}

export function registerIngest(program: Command, io: CliIo): void {
  program
    .command('ingest')
    .description('validate every complete instruction file in the inbox, write acknowledgements and keep accepted instructions for allocation')
    .requiredOption('--offering <file>', 'offering JSON file')
    .requiredOption('--participants <file>', 'participant registry CSV')
    .requiredOption('--inbox <dir>', 'inbox folder with one sub-folder per participant')
    .requiredOption('--work <dir>', 'work folder (outbox, processed, quarantine, store, logs)')
    .option('--close-lists', 'the application lists have closed: reject files without a trailer (FILE_INCOMPLETE)')
    .option('--log <file>', 'JSON log file, or - for stderr (default: <work>/logs/ingest.log)')
    .action(async (opts: IngestOpts) => {
      const offering = loadOfferingFile(opts.offering);
      const participants = loadParticipantsFile(opts.participants);
      const inboxStat = await fs.stat(opts.inbox).catch(() => null);
      if (!inboxStat?.isDirectory()) throw new UsageError(`inbox ${opts.inbox}: not a folder`);
      // The path itself was checked (main.ts): a refusal here is the file system's (EROFS, ENOSPC): 74.
      await ensureFolder(opts.work, 'create the work folder');
      const logFile = opts.log ?? path.join(opts.work, 'logs', 'ingest.log');
      const destination = openLogDestination(logFile);
      const logger = createLogger(destination);
      const report = await ingestInbox({
        offering,
        participants,
        inboxDir: opts.inbox,
        workDir: opts.work,
        closeLists: opts.closeLists ?? false,
        logger,
        onProgress: (r) => io.stderr(formatFileProgress(r) + '\n'),
      });
      for (const e of report.ignored) io.stderr(formatIgnored(e) + '\n');
      io.stderr(formatTotals(report) + '\n');
      logger.info({ ...report.totals, ignored: report.ignored.length }, 'ingest finished');
      destination.flushSync();
    });
}
