import { Command } from 'commander';
import { allocationProgress, progressOn } from '../progress';
import type { CliIo } from '../cli-io';
import { openCommandLog } from '../command-log';
import { loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { UsageError } from '../../domain/errors';
import { lapseBook } from '../../pipeline/allocate';
import { withWorkFolder } from '../../pipeline/book';
import { actorOf, describeOutcome, withOperatorOptions } from './allocate';

/**
 * `lapse --reason TEXT`: the offering did not become unconditional. Closes the book if open (its
 * arrivals ingested first), allots nothing and writes refunds of every amount paid, in full,
 * through the usual output files; a final allocation is kept under allocation/superseded/<n>/.
 */
export function registerLapse(program: Command, io: CliIo): void {
  withOperatorOptions(program
    .command('lapse')
    .description('the offering lapsed (its conditions were not fulfilled): allot nothing, refund every amount paid in full')
    .requiredOption('--offering <file>', 'offering JSON file')
    .requiredOption('--participants <file>', 'participant registry CSV')
    .requiredOption('--work <dir>', 'work folder of the book')
    .requiredOption('--reason <text>', 'why the offering lapsed (recorded and written into summary.json)'))
    .action(async (opts: { offering: string; participants: string; work: string; reason: string; operator?: string; log?: string }) => {
      const offering = loadOfferingFile(opts.offering);
      const registry = loadParticipantsFile(opts.participants);
      if (opts.reason.trim() === '') throw new UsageError('--reason must say why the offering lapsed');
      const actor = actorOf('lapse', opts);
      const report = await withWorkFolder(opts.work, actor, false, async () => {
        const log = openCommandLog(opts.work, 'lapse', opts.log);
        const progress = progressOn(io);
        try {
          return await lapseBook(opts.work, { offering, registry, reason: opts.reason }, { progress: allocationProgress(progress), actor: { ...actor, logger: log.logger } });
        } finally {
          progress.end();
          log.flush();
        }
      });
      io.stdout(describeOutcome(report).join('\n') + '\n');
    });
}
