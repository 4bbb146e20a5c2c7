import { Command } from 'commander';
import { allocationProgress, progressOn } from '../progress';
import type { CliIo } from '../cli-io';
import { openCommandLog } from '../command-log';
import { formatTotals } from '../../pipeline/ingest';
import { runBook } from '../../pipeline/allocate';
import { withWorkFolder } from '../../pipeline/book';
import { actorOf, AllocateOptions, describeOutcome, readAllocationParameters, readSupersede, withAllocationOptions } from './allocate';
import { UsageError } from '../../domain/errors';
import { promises as fs } from 'node:fs';

/**
 * `run`: ingest every file of --inbox (lists closed) and allocate, in one process, no Redis,
 * holding the work folder throughout. Prints the ingest totals and the allocation summary.
 */
/** run's ingest half on the progress line: files and records so far. */
function countIngest(progress: ReturnType<typeof progressOn>): (r: { records: number }) => void {
  let files = 0;
  let records = 0;
  return (r) => {
    files += 1;
    records += r.records;
    progress.update(`run: ingest, ${files.toLocaleString('en-US')} files, ${records.toLocaleString('en-US')} records`);
  };
}

export function registerRun(program: Command, io: CliIo): void {
  withAllocationOptions(program.command('run').description('ingest the inbox with the lists closed, then allocate (one process)'))
    .requiredOption('--inbox <dir>', 'inbox folder: inbox/<participant_id>/*.csv')
    .action(async (opts: AllocateOptions & { inbox: string }) => {
      const params = readAllocationParameters(opts);
      const supersede = readSupersede(opts);
      if (!(await fs.stat(opts.inbox).catch(() => null))?.isDirectory()) throw new UsageError(`--inbox ${opts.inbox}: not a folder`);
      const actor = actorOf('run', opts);
      const { ingest, allocation } = await withWorkFolder(opts.work, actor, true, async () => {
        const log = openCommandLog(opts.work, 'run', opts.log);
        const progress = progressOn(io);
        try {
          return await runBook(opts.inbox, opts.work, params, { progress: allocationProgress(progress), onIngestFile: countIngest(progress), actor: { ...actor, logger: log.logger }, supersede });
        } finally {
          progress.end();
          log.flush();
        }
      });
      io.stdout([formatTotals(ingest), ...describeOutcome(allocation)].join('\n') + '\n');
    });
}
