import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { bookStatus, describeStatus } from '../../pipeline/status';

/** `status --work DIR [--json]`: the book's state and counts so far; read-only, no lock. */
export function registerStatus(program: Command, io: CliIo): void {
  program
    .command('status')
    .description("the book's state, files and instructions so far, demand and subscription multiple, the allocation once final")
    .requiredOption('--work <dir>', 'work folder of the book')
    .option('--json', 'print the status as one JSON document')
    .action(async (opts: { work: string; json?: boolean }) => {
      const s = await bookStatus(opts.work);
      io.stdout(opts.json ? JSON.stringify(s, null, 2) + '\n' : describeStatus(s).join('\n') + '\n');
    });
}
