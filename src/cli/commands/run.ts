import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { formatTotals } from '../../pipeline/ingest';
import { runBook } from '../../pipeline/allocate';
import { describeSummary } from '../../refund/summary';
import { AllocateOptions, readAllocationParameters, withAllocationOptions } from './allocate';

/**
 * `run`: ingest every file of --inbox (lists closed) and allocate, in one process, no Redis.
 * Prints the ingest totals and the allocation summary on stdout.
 */
export function registerRun(program: Command, io: CliIo): void {
  withAllocationOptions(program.command('run').description('ingest the inbox with the lists closed, then allocate (one process)'))
    .requiredOption('--inbox <dir>', 'inbox folder: inbox/<participant_id>/*.csv')
    .action(async (opts: AllocateOptions & { inbox: string }) => {
      const params = readAllocationParameters(opts);
      const { ingest, allocation } = await runBook(opts.inbox, opts.work, params);
      io.stdout([formatTotals(ingest), ...describeSummary(allocation.summary), `written: ${allocation.dir}`].join('\n') + '\n');
    });
}
