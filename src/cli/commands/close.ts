import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { openCommandLog } from '../command-log';
import { loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { withWorkFolder } from '../../pipeline/book';
import { closeAndIngest } from '../../pipeline/close';
import { formatTotals } from '../../pipeline/ingest';
import { actorOf, withOperatorOptions } from './allocate';

/**
 * `close`: the lists close now. The files in the book's inboxes at this instant are its last
 * arrivals and are ingested (with the lists closed); any file after it is BOOK_CLOSED. The book
 * then waits, closed, for `allocate` (or `lapse`); `preview` can be run on it meanwhile.
 */
export function registerClose(program: Command, io: CliIo): void {
  withOperatorOptions(program
    .command('close')
    .description('close the book now: ingest the files that arrived before this instant; later files are BOOK_CLOSED')
    .requiredOption('--offering <file>', 'offering JSON file')
    .requiredOption('--participants <file>', 'participant registry CSV')
    .requiredOption('--work <dir>', 'work folder of the book')
    .option('--inbox <dir>', 'an inbox feeding the book, besides those ingest recorded'))
    .action(async (opts: { offering: string; participants: string; work: string; inbox?: string; operator?: string; log?: string }) => {
      const offering = loadOfferingFile(opts.offering);
      const registry = loadParticipantsFile(opts.participants);
      const actor = actorOf('close', opts);
      const report = await withWorkFolder(opts.work, actor, false, async () => {
        const log = openCommandLog(opts.work, 'close', opts.log);
        try {
          return await closeAndIngest(opts.work, { offering, registry }, { ...actor, logger: log.logger }, opts.inbox ? [opts.inbox] : []);
        } finally {
          log.flush();
        }
      });
      io.stdout([
        report.at ? `book closed at ${report.at}: ${report.arrivals} file(s) in the inboxes had arrived before the close` : `the book was already closed (${report.arrivals} arrivals recorded at the close)`,
        ...report.ingest.map(formatTotals),
      ].join('\n') + '\n');
    });
}
