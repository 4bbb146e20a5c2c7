import { Command } from 'commander';
import type { CliIo } from '../main';

export function registerAllocate(program: Command, io: CliIo): void {
  program.command('allocate').description('(not yet built)').action(() => {
    io.stderr('allocate: not yet built\n');
  });
}
