/**
 * `preview --work DIR --offering F --participants F --final-price P [--ballot-policy FILE]
 * [--reallocate N] [--format table|csv]`: the pools, the subscription multiple, the tranche after
 * clawback or reallocation, the ballot policy as solved and the whole basis of allocation, without
 * closing the book, drawing or writing anything. `--format csv` prints on stdout exactly the
 * basis-of-allocation.csv that allocate would write (the heading lines go to stderr).
 * `--ballot-policy` may be given several times (table format): the book is read once and one
 * preview printed per policy, in the order given.
 */
import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { UsageError } from '../../domain/errors';
import { loadBallotPolicyFile, loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { normaliseFinalPrice, parseReallocateShares } from '../../pipeline/allocate';
import { previewPolicies } from '../../pipeline/preview';
import { previewBasisCsv, previewBasisTable, previewHeading } from '../../preview/preview-text';

interface PreviewOptions {
  work: string;
  offering: string;
  participants: string;
  finalPrice: string;
  reallocate?: string;
  ballotPolicy: string[];
  format: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerPreview(program: Command, io: CliIo): void {
  program
    .command('preview')
    .description('print the pools, multiple, tranche and basis of allocation a ballot policy gives, without closing the book, drawing or writing anything')
    .requiredOption('--work <dir>', 'work folder (its store/ is read, nothing is written)')
    .requiredOption('--offering <file>', 'offering JSON file')
    .requiredOption('--participants <file>', 'participant registry CSV (checked as allocate checks it)')
    .requiredOption('--final-price <price>', 'final offer price, within the offering price range, e.g. 3.85')
    .option('--reallocate <shares>', 'shares reallocated to the Hong Kong offering at the issuer\'s discretion')
    .option('--ballot-policy <file>', 'ballot policy JSON per pool, e.g. {"A": {"first_row_pct": "5.00"}} (docs/ballot.md); repeat to compare several', collect, [])
    .option('--format <format>', 'table (aligned text) or csv (basis-of-allocation.csv as allocate writes it)', 'table')
    .action(async (opts: PreviewOptions) => {
      if (opts.format !== 'table' && opts.format !== 'csv') throw new UsageError(`--format "${opts.format}" must be table or csv`);
      if (opts.format === 'csv' && opts.ballotPolicy.length > 1) throw new UsageError('--format csv prints one basis file: give one --ballot-policy');
      const offering = loadOfferingFile(opts.offering);
      loadParticipantsFile(opts.participants);
      const policies = opts.ballotPolicy.length === 0 ? [null] : opts.ballotPolicy.map((f) => loadBallotPolicyFile(f));
      const parameters = { offering, finalPrice: normaliseFinalPrice(opts.finalPrice, offering), reallocateShares: parseReallocateShares(opts.reallocate) };
      const previews = await previewPolicies(opts.work, parameters, policies);
      const refused: string[] = [];
      previews.forEach((preview, i) => {
        const title = policies.length > 1 ? [`== policy ${i + 1} of ${policies.length}: ${opts.ballotPolicy[i]}`] : [];
        if ('error' in preview) {
          refused.push(opts.ballotPolicy[i]!);
          io.stdout([...(i > 0 ? [''] : []), ...title, `refused: ${preview.error.message}`].join('\n') + '\n');
          return;
        }
        const heading = previewHeading(preview.plan, { offering, finalPrice: parameters.finalPrice, multipleApplications: preview.multipleApplications });
        if (opts.format === 'csv') {
          io.stderr(heading.join('\n') + '\n');
          io.stdout(previewBasisCsv(preview.plan));
        } else {
          io.stdout([...(i > 0 ? [''] : []), ...title, ...heading, '', ...previewBasisTable(preview.plan.basis)].join('\n') + '\n');
        }
      });
      if (refused.length > 0) throw new UsageError(`${refused.length} of ${policies.length} policies refused (${refused.join(', ')}); the others are printed above`);
    });
}
