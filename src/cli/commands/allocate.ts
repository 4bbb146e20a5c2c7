import { Command } from 'commander';
import { allocationProgress, progressOn } from '../progress';
import type { CliIo } from '../cli-io';
import { openCommandLog } from '../command-log';
import { loadBallotPolicyFile, loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { UsageError } from '../../domain/errors';
import { describeParameters } from '../../book/lifecycle';
import { AllocateReport, allocateBook, AllocationParameters, normaliseFinalPrice, parseReallocateShares, parseSeed } from '../../pipeline/allocate';
import { BookActor, defaultOperator, withWorkFolder } from '../../pipeline/book';
import { formatTotals } from '../../pipeline/ingest';
import { describeSummary } from '../../refund/summary';

export interface AllocateOptions {
  offering: string;
  participants: string;
  work: string;
  finalPrice: string;
  seed: string;
  reallocate?: string;
  supersede?: boolean;
  reason?: string;
  operator?: string;
  log?: string;
  inbox?: string;
  ballotPolicy?: string;
}

/** Reads and checks every argument; throws (exit code 2) before anything is written. */
export function readAllocationParameters(opts: AllocateOptions): AllocationParameters {
  const offering = loadOfferingFile(opts.offering);
  const registry = loadParticipantsFile(opts.participants);
  return {
    offering,
    registry,
    finalPrice: normaliseFinalPrice(opts.finalPrice, offering),
    seed: parseSeed(opts.seed),
    reallocateShares: parseReallocateShares(opts.reallocate),
    ballotPolicy: opts.ballotPolicy === undefined ? null : loadBallotPolicyFile(opts.ballotPolicy),
  };
}

/** `--supersede --reason TEXT`: both or neither. */
export function readSupersede(opts: { supersede?: boolean; reason?: string }): { reason: string } | null {
  if (!opts.supersede) {
    if (opts.reason !== undefined) throw new UsageError('--reason goes with --supersede (the reason a final allocation is replaced)');
    return null;
  }
  if (opts.reason === undefined || opts.reason.trim() === '') throw new UsageError('--supersede needs --reason TEXT: why the final allocation is replaced (it is recorded)');
  return { reason: opts.reason };
}

export function withOperatorOptions(command: Command): Command {
  return command
    .option('--operator <name>', 'who runs it, recorded in the book\'s lifecycle (default: the OS user)')
    .option('--log <file>', 'JSON log file, or - for stderr (default: <work>/logs/<command>.log)');
}

export function withAllocationOptions(command: Command): Command {
  return withOperatorOptions(command
    .requiredOption('--offering <file>', 'offering JSON file')
    .requiredOption('--participants <file>', 'participant registry CSV')
    .requiredOption('--work <dir>', 'work folder (store/ in, allocation/ out)')
    .requiredOption('--final-price <price>', 'final offer price, within the offering price range, e.g. 3.85')
    .requiredOption('--seed <text>', 'ballot seed (published; the draw is reproducible from it)')
    .option('--reallocate <shares>', 'shares reallocated to the Hong Kong offering at the issuer\'s discretion')
    .option('--ballot-policy <file>', 'ballot policy JSON per pool, e.g. {"A": {"first_row_pct": "5.00"}, "B": {"exponent": 1}} (docs/ballot.md)')
    .option('--supersede', 'replace the final allocation (it is kept under allocation/superseded/<n>/); needs --reason')
    .option('--reason <text>', 'why the final allocation is replaced (recorded)'));
}

export function actorOf(command: string, opts: { operator?: string }): BookActor {
  return { command, operator: opts.operator ?? defaultOperator() };
}

/** The lines `allocate`, `run` and `lapse` print about the book's transitions, then the summary. */
export function describeOutcome(report: AllocateReport): string[] {
  const lines: string[] = [];
  if (report.closed) {
    lines.push(`book closed at ${report.closed.at}: ${report.closed.arrivals} file(s) in the inboxes had arrived before the close`);
    for (const r of report.closed.ingest) lines.push(formatTotals(r));
  }
  if (report.already) {
    const f = report.already;
    lines.push(`already final: ${f.to === 'allocated' ? `allocated with ${describeParameters(f.parameters)}` : `lapsed (${JSON.stringify(f.reason)})`} at ${f.at} by ${f.operator}; nothing written`);
  }
  if (report.superseded) lines.push(`the allocation it replaces is kept in ${report.superseded.folder}/`);
  lines.push(...describeSummary(report.summary), `written: ${report.dir}`);
  return lines;
}

/** `allocate`: closes the book (if open) and writes <work>/allocation/ (docs/formats-output.md). */
export function registerAllocate(program: Command, io: CliIo): void {
  withAllocationOptions(program.command('allocate').description('close the book and allocate: write results, basis, refunds, deposits, certificates, summary and manifest'))
    .option('--inbox <dir>', 'an inbox feeding the book, besides those ingest recorded (its files are ingested at the close)')
    .action(async (opts: AllocateOptions) => {
      const params = readAllocationParameters(opts);
      const supersede = readSupersede(opts);
      const actor = actorOf('allocate', opts);
      const report = await withWorkFolder(opts.work, actor, false, async () => {
        const log = openCommandLog(opts.work, 'allocate', opts.log);
        const progress = progressOn(io);
        try {
          return await allocateBook(opts.work, params, { progress: allocationProgress(progress), actor: { ...actor, logger: log.logger }, supersede, inboxes: opts.inbox ? [opts.inbox] : [] });
        } finally {
          progress.end();
          log.flush();
        }
      });
      io.stdout(describeOutcome(report).join('\n') + '\n');
    });
}
