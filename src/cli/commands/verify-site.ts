/**
 * `verify-site --work DIR --offering FILE [--show N]`: served = files. Loads the results site
 * exactly as `serve` does (the publishing gate, the manifest, the index), then looks up every
 * application of results.csv under each of its documents through the site's own answer function,
 * in this process (no HTTP, no rate limit, the clock set inside the results period), and compares
 * every field of each answer with results.csv, refunds.csv, certificates.csv and summary.json
 * (docs/publish.md, "Served = files"). Prints one line of counts, then the first N differences,
 * numbers masked. Exit 0 when every answer equals the files, 1 when one differs; as `serve` for
 * an allocation it refuses to publish (2, or 74 for files that do not match their manifest).
 * Read-only, no lock.
 */
import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { DifferencesFoundError, UsageError } from '../../domain/errors';
import { loadOfferingFile } from '../../io/config-files';

export function registerVerifySite(program: Command, io: CliIo): void {
  program
    .command('verify-site')
    .description('look up every application on the results site (in process) and compare each answer with the allocation files, field by field')
    .requiredOption('--work <dir>', 'work folder holding the final allocation (allocation/)')
    .requiredOption('--offering <file>', 'offering JSON file (its timetable.after_close, as for serve)')
    .option('--show <n>', 'differences to describe (all are counted)', '10')
    .action(async (opts: { work: string; offering: string; show: string }) => {
      if (!/^[0-9]+$/.test(opts.show) || Number(opts.show) > 10000) throw new UsageError(`--show "${opts.show}" must be a whole number from 0 to 10000`);
      const { verifySite, servedCheckDetails, servedCheckLine } = await import('../../pipeline/verify-site');
      const { check } = await verifySite(opts.work, loadOfferingFile(opts.offering), { keep: Number(opts.show) });
      io.stdout([servedCheckLine(check), ...servedCheckDetails(check)].join('\n') + '\n');
      if (check.mismatches > 0) throw new DifferencesFoundError('SERVED_DIFFERS', `verify-site: ${check.mismatches} differences between the site's answers and the files`);
    });
}
