/**
 * `preview --work DIR --offering F --participants F --final-price P [--ballot-policy FILE]
 * [--reallocate N] [--format table|csv]`: the pools, the subscription multiple, the tranche after
 * clawback or reallocation, the ballot policy as solved and the whole basis of allocation, without
 * closing the book, drawing or writing anything. `--format csv` prints on stdout exactly the
 * basis-of-allocation.csv that allocate would write (the heading lines go to stderr).
 */
import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { UsageError } from '../../domain/errors';
import { loadBallotPolicyFile, loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { normaliseFinalPrice, parseReallocateShares } from '../../pipeline/allocate';
import { previewBook } from '../../pipeline/preview';
import { previewBasisCsv, previewBasisTable, previewHeading } from '../../preview/preview-text';

interface PreviewOptions {
  work: string;
  offering: string;
  participants: string;
  finalPrice: string;
  reallocate?: string;
  ballotPolicy?: string;
  format: string;
}

export function registerPreview(program: Command, io: CliIo): void {
  program
    .command('preview')
    .description('print the pools, multiple, tranche and basis of allocation a ballot policy gives, without closing the book, drawing or writing anything')
    .requiredOption('--work <dir>', 'work folder (its store/ is read, nothing is written)')
    .requiredOption('--offering <file>', 'offering JSON file')
    .requiredOption('--participants <file>', 'participant registry CSV (checked as allocate checks it)')
    .requiredOption('--final-price <price>', 'final offer price, within the offering price range, e.g. 3.85')
    .option('--reallocate <shares>', 'shares reallocated to the Hong Kong offering at the issuer\'s discretion')
    .option('--ballot-policy <file>', 'ballot policy JSON per pool, e.g. {"A": {"first_row_pct": "5.00"}} (docs/ballot.md)')
    .option('--format <format>', 'table (aligned text) or csv (basis-of-allocation.csv as allocate writes it)', 'table')
    .action(async (opts: PreviewOptions) => {
      if (opts.format !== 'table' && opts.format !== 'csv') throw new UsageError(`--format "${opts.format}" must be table or csv`);
      const offering = loadOfferingFile(opts.offering);
      loadParticipantsFile(opts.participants);
      const parameters = {
        offering,
        finalPrice: normaliseFinalPrice(opts.finalPrice, offering),
        reallocateShares: parseReallocateShares(opts.reallocate),
        ballotPolicy: opts.ballotPolicy === undefined ? null : loadBallotPolicyFile(opts.ballotPolicy),
      };
      const { plan, multipleApplications } = await previewBook(opts.work, parameters);
      const heading = previewHeading(plan, { offering, finalPrice: parameters.finalPrice, multipleApplications });
      if (opts.format === 'csv') {
        io.stderr(heading.join('\n') + '\n');
        io.stdout(previewBasisCsv(plan));
      } else {
        io.stdout([...heading, '', ...previewBasisTable(plan.basis)].join('\n') + '\n');
      }
    });
}
