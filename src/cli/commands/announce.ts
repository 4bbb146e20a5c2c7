/**
 * `announce --work DIR --offering FILE [--out DIR]`: the allotment results announcement
 * (`allotment-results-announcement.html`, self-contained and print-ready) and the successful
 * applicants' list (`successful-applicants.csv`) of a final allocation, into `<work>/announcement/`
 * or `--out`. Same allocation and offering, same bytes. Prints each file with its SHA-256.
 */
import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { loadOfferingFile } from '../../io/config-files';

export function registerAnnounce(program: Command, io: CliIo): void {
  program
    .command('announce')
    .description('write the allotment results announcement (HTML) and the successful applicants\' list (CSV)')
    .requiredOption('--work <dir>', 'work folder holding the final allocation (allocation/)')
    .requiredOption('--offering <file>', 'offering JSON file')
    .option('--out <dir>', 'output folder (default: <work>/announcement)')
    .action(async (opts: { work: string; offering: string; out?: string }) => {
      const { writeAnnouncement } = await import('../../pipeline/publication');
      const report = await writeAnnouncement(opts.work, loadOfferingFile(opts.offering), opts.out);
      io.stdout(report.files.map((f) => `${f.name}: ${f.name.endsWith('.csv') ? `${f.rows} rows, ` : ''}${f.bytes} bytes, sha256 ${f.sha256}`).join('\n') + `\nwritten: ${report.dir}\n`);
    });
}
