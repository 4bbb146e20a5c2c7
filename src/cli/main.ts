/**
 * The `ccass-batch` command line: a thin shell. Each command lives in commands/<name>.ts and
 * registers itself on the program; the work is done by the pipeline (src/pipeline/).
 * Exit codes: 0 ran (rejections are results), 1 verify found a difference, 2 unusable arguments
 * or configuration, 3 the book's state refuses the command, 70 internal invariant broken,
 * 74 storage fault, 75 the work folder is held by another process. Errors print one line on stderr.
 */
import { Command, CommanderError } from 'commander';
import { registerAmounts } from './commands/amounts';
import { registerIngest } from './commands/ingest';
import { registerAllocate } from './commands/allocate';
import { registerRun } from './commands/run';
import { registerVerify } from './commands/verify';
import { registerStatus } from './commands/status';
import { registerLapse } from './commands/lapse';
import { registerClose } from './commands/close';
import { registerGenerate } from './commands/generate';
import { registerPreview } from './commands/preview';
import { registerServe } from './commands/serve';
import { registerAnnounce } from './commands/announce';
import { registerPay } from './commands/pay';

import type { CliIo } from './cli-io';

export type { CliIo } from './cli-io';

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export function buildProgram(io: CliIo): Command {
  const program = new Command('ccass-batch')
    .description('Ingest, validate and allocate Hong Kong IPO electronic application instructions.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerAmounts(program, io);
  registerIngest(program, io);
  registerAllocate(program, io);
  registerRun(program, io);
  registerVerify(program, io);
  registerStatus(program, io);
  registerClose(program, io);
  registerLapse(program, io);
  registerGenerate(program, io);
  registerPreview(program, io);
  registerServe(program, io);
  registerAnnounce(program, io);
  registerPay(program, io);
  return program;
}

/** Runs the CLI; resolves to the exit code. Never calls process.exit itself (testable). */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    const e = err as Error & { exitCode?: number };
    io.stderr(`ccass-batch: ${e.message.split('\n')[0]}\n`);
    return typeof e.exitCode === 'number' ? e.exitCode : 70;
  }
}
