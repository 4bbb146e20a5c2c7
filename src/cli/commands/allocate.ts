import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { loadBallotPolicyFile, loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { allocateBook, AllocationParameters, normaliseFinalPrice, parseReallocateShares, parseSeed } from '../../pipeline/allocate';
import { describeSummary } from '../../refund/summary';

export interface AllocateOptions {
  offering: string;
  participants: string;
  work: string;
  finalPrice: string;
  seed: string;
  reallocate?: string;
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

export function withAllocationOptions(command: Command): Command {
  return command
    .requiredOption('--offering <file>', 'offering JSON file')
    .requiredOption('--participants <file>', 'participant registry CSV')
    .requiredOption('--work <dir>', 'work folder (store/ in, allocation/ out)')
    .requiredOption('--final-price <price>', 'final offer price, within the offering price range, e.g. 3.85')
    .requiredOption('--seed <text>', 'ballot seed (published; the draw is reproducible from it)')
    .option('--reallocate <shares>', 'shares reallocated to the Hong Kong offering at the issuer\'s discretion')
    .option('--ballot-policy <file>', 'ballot policy JSON per pool, e.g. {"A": {"first_row_pct": "5.00"}, "B": {"exponent": 1}} (docs/ballot.md)');
}

/** `allocate`: closes the book and writes <work>/allocation/ (docs/formats-output.md). */
export function registerAllocate(program: Command, io: CliIo): void {
  withAllocationOptions(program.command('allocate').description('close the book and allocate: write results, basis, refunds, deposits, certificates, summary and manifest'))
    .action(async (opts: AllocateOptions) => {
      const params = readAllocationParameters(opts);
      const report = await allocateBook(opts.work, params);
      io.stdout([...describeSummary(report.summary), `written: ${report.dir}`].join('\n') + '\n');
    });
}
