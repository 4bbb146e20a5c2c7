import { Command } from 'commander';
import type { CliIo } from '../main';

export function registerIngest(program: Command, io: CliIo): void {
  program.command('ingest').description('(not yet built)').action(() => {
    io.stderr('ingest: not yet built\n');
  });
}
