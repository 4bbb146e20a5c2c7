/**
 * `ingest --offering FILE --participants FILE --inbox DIR --work DIR [--close-lists] [--log FILE|-] [--operator NAME]`
 * A thin shell over pipeline/ingest.ts, holding the work folder (one writer at a time): one
 * progress line per file and a final count on stderr; pino JSON lines to `<work>/logs/ingest.log`
 * (or `--log FILE`, or `--log -` for stderr). The book's lifecycle decides what is admitted: an
 * open book takes every complete file; a closed one only the files that had arrived at the close.
 * Exit 0 when it ran (rejections are results), 2 for unusable arguments or configuration.
 */
import { Command } from 'commander';
import { promises as fs } from 'node:fs';
import type { CliIo } from '../cli-io';
import { openCommandLog } from '../command-log';
import { loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { UsageError } from '../../domain/errors';
import { loadBook, recordInbox, withWorkFolder } from '../../pipeline/book';
import { formatFileProgress, formatIgnored, formatTotals, ingestInbox } from '../../pipeline/ingest';
import { actorOf, withOperatorOptions } from './allocate';
import { progressOn, ratePerSecond } from '../progress';

interface IngestOpts {
  offering: string;
  participants: string;
  inbox: string;
  work: string;
  closeLists?: boolean;
  threads?: string;
  log?: string;
  operator?: string;
}

/** `--threads N`: 0 to 16. */
export function threadsOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,2}$/.test(text) || Number(text) > 16) throw new UsageError(`--threads "${text}" must be a whole number from 0 to 16`);
  return Number(text);
}

export function registerIngest(program: Command, io: CliIo): void {
  withOperatorOptions(program
    .command('ingest')
    .description('validate every complete instruction file in the inbox, write acknowledgements and keep accepted instructions for allocation')
    .requiredOption('--offering <file>', 'offering JSON file')
    .requiredOption('--participants <file>', 'participant registry CSV')
    .requiredOption('--inbox <dir>', 'inbox folder with one sub-folder per participant')
    .requiredOption('--work <dir>', 'work folder (outbox, processed, quarantine, store, logs)')
    .option('--close-lists', 'the application lists have closed: reject files without a trailer (FILE_INCOMPLETE)')
    .option('--threads <n>', 'threads judging files while the main one commits them in order (0: one file after another; default from 32 files on: the cores less one, at most 4, but 2 on two cores)'))
    .action(async (opts: IngestOpts) => {
      const offering = loadOfferingFile(opts.offering);
      const participants = loadParticipantsFile(opts.participants);
      const threads = threadsOption(opts.threads);
      const inboxStat = await fs.stat(opts.inbox).catch(() => null);
      if (!inboxStat?.isDirectory()) throw new UsageError(`inbox ${opts.inbox}: not a folder`);
      const actor = actorOf('ingest', opts);
      await withWorkFolder(opts.work, actor, true, async () => {
        const log = openCommandLog(opts.work, 'ingest', opts.log);
        const logged = { ...actor, logger: log.logger };
        // On a terminal: a progress line, and a line for each file not accepted (the accepted are
        // counted in the totals); elsewhere a line for every file, as documented.
        const progress = progressOn(io);
        const started = Date.now();
        let files = 0;
        let done = 0;
        let records = 0;
        try {
          await recordInbox(opts.work, await loadBook(opts.work, offering, logged, true), opts.inbox, logged);
          const report = await ingestInbox({
            offering,
            participants,
            inboxDir: opts.inbox,
            workDir: opts.work,
            closeLists: opts.closeLists ?? false,
            ...(threads === undefined ? {} : { threads }),
            logger: log.logger,
            onScanned: (n) => { files = n; },
            onProgress: (r) => {
              done += 1;
              records += r.records;
              if (!io.stderrIsTTY || r.outcome !== 'ACCEPTED' || r.recovered) progress.print(formatFileProgress(r));
              progress.update(`ingest: ${done.toLocaleString('en-US')}/${files.toLocaleString('en-US')} files, ${records.toLocaleString('en-US')} records, ${ratePerSecond(records, Date.now() - started)}`);
            },
          });
          progress.end();
          for (const e of report.ignored) io.stderr(formatIgnored(e) + '\n');
          io.stderr(formatTotals(report) + '\n');
          log.logger.info({ ...report.totals, ignored: report.ignored.length }, 'ingest finished');
        } finally {
          progress.end();
          log.flush();
        }
      });
    });
}
