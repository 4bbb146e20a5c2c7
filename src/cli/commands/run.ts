import { Command } from 'commander';
import type { CliIo } from '../main';

export function registerRun(program: Command, io: CliIo): void {
  program.command('run').description('(not yet built)').action(() => {
    io.stderr('run: not yet built\n');
  });
}
