/**
 * The `ccass-batch` command line: a thin shell. Each command lives in commands/<name>.ts and
 * registers itself on the program; the work is done by the pipeline (src/pipeline/).
 *
 * One exit-code table for every command (README, "Exit codes"):
 *   0   ran (rejections are results)
 *   1   verify or verify-site found a difference
 *   2   unusable arguments or configuration (UsageError, ConfigInvalidError, commander's own),
 *       or a --work folder that holds no book
 *   3   the book's state refuses the command (BookStateError)
 *   70  an internal invariant was broken (InvariantError, and any fault nobody foresaw)
 *   74  a storage fault (StorageError, and any system error of the file system: ENOSPC, EROFS...)
 *   75  the work folder is held by another command (WorkFolderBusyError)
 * Errors print one line on stderr, `ccass-batch: <message>`, never a library's raw text: an
 * unforeseen fault prints only its kind.
 */
import { Command, CommanderError } from 'commander';
import { describeErrno, systemErrorCode } from '../domain/errors';
import { checkFolderOption } from '../io/folder-options';

type Register = (program: Command, io: CliIo) => void;

/**
 * The commands, in the order of the help, each loaded only when registered: a run of one command
 * loads that command's modules only (an ingest does not load the web server, Redis and BullMQ:
 * about 0.6 s of a process's start on the busy 2-core machine, issue 9).
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Register]> = [
  ['amounts', () => (require('./commands/amounts') as typeof import('./commands/amounts')).registerAmounts],
  ['ingest', () => (require('./commands/ingest') as typeof import('./commands/ingest')).registerIngest],
  ['allocate', () => (require('./commands/allocate') as typeof import('./commands/allocate')).registerAllocate],
  ['run', () => (require('./commands/run') as typeof import('./commands/run')).registerRun],
  ['verify', () => (require('./commands/verify') as typeof import('./commands/verify')).registerVerify],
  ['status', () => (require('./commands/status') as typeof import('./commands/status')).registerStatus],
  ['close', () => (require('./commands/close') as typeof import('./commands/close')).registerClose],
  ['lapse', () => (require('./commands/lapse') as typeof import('./commands/lapse')).registerLapse],
  ['watch', () => (require('./commands/watch') as typeof import('./commands/watch')).registerWatch],
  ['worker', () => (require('./commands/worker') as typeof import('./commands/worker')).registerWorker],
  ['generate', () => (require('./commands/generate') as typeof import('./commands/generate')).registerGenerate],
  ['preview', () => (require('./commands/preview') as typeof import('./commands/preview')).registerPreview],
  ['serve', () => (require('./commands/serve') as typeof import('./commands/serve')).registerServe],
  ['verify-site', () => (require('./commands/verify-site') as typeof import('./commands/verify-site')).registerVerifySite],
  ['announce', () => (require('./commands/announce') as typeof import('./commands/announce')).registerAnnounce],
  ['pay', () => (require('./commands/pay') as typeof import('./commands/pay')).registerPay],
];

/** The command a command line names (its first word), when it is one of ours; else null (help, a typo: every command is registered). */
export function commandNamed(argv: readonly string[]): string | null {
  const word = argv[2];
  return word !== undefined && COMMANDS.some(([name]) => name === word) ? word : null;
}

import type { CliIo } from './cli-io';

export type { CliIo } from './cli-io';

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
};

/** The program with every command, or with `only` that one (the others' modules are not loaded). */
export function buildProgram(io: CliIo, only: string | null = null): Command {
  const program = new Command('ccass-batch')
    .description('Ingest, validate and allocate Hong Kong IPO electronic application instructions.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const [name, load] of COMMANDS) if (only === null || name === only) load()(program, io);
  // Every command's folders are checked the same way before it runs (exit code 2, nothing written):
  // --work must be a folder or creatable as one; --inbox must be an existing folder.
  program.hook('preAction', async (_program, command) => {
    const opts = command.opts<{ work?: unknown; inbox?: unknown }>();
    if (typeof opts.work === 'string') await checkFolderOption('--work', opts.work, false);
    if (typeof opts.inbox === 'string') await checkFolderOption('--inbox', opts.inbox, true);
  });
  return program;
}

/** The documented exit code and the one line to print for an error that reached the top. */
export function describeFailure(err: unknown): { exitCode: number; message: string } {
  const e = err as (Error & { exitCode?: unknown }) | null;
  if (typeof e?.exitCode === 'number' && typeof e.message === 'string') return { exitCode: e.exitCode, message: e.message.split('\n')[0]! };
  const errno = systemErrorCode(err);
  if (errno) {
    const s = err as { syscall?: string; path?: string };
    return { exitCode: 74, message: `storage fault: ${s.syscall ?? 'file operation'}${s.path ? ` ${s.path}` : ''} (${describeErrno(errno)})` };
  }
  return { exitCode: 70, message: `internal error (${e?.name ?? typeof err}): an invariant was broken; nothing more was written. Please report it with the log.` };
}

/** Runs the CLI; resolves to the exit code. Never calls process.exit itself (testable). */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io, commandNamed(argv));
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    const { exitCode, message } = describeFailure(err);
    io.stderr(`ccass-batch: ${message}\n`);
    return exitCode;
  }
}
