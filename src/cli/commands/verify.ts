import { Command } from 'commander';
import type { CliIo } from '../main';

export function registerVerify(program: Command, io: CliIo): void {
  program.command('verify').description('(not yet built)').action(() => {
    io.stderr('verify: not yet built\n');
  });
}
