/**
 * `generate --instructions N --seed S --out DIR --offering FILE [--participants-count K]
 * [--records-per-file M] [--error-rate R] [--multiple-rate R]`: a deterministic synthetic book
 * (docs/generate.md). A thin shell over src/generate/ (the records) and io/synthetic-book.ts
 * (the files). Prints what was written and what ingest and allocation should make of it.
 */
import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { loadOfferingFile } from '../../io/config-files';
import { writeSyntheticBook } from '../../io/synthetic-book';
import { GenerateArguments, readGenerateOptions } from '../../generate/generate-options';
import { formatThousands } from '../../money/money';

interface GenerateOpts extends GenerateArguments {
  out: string;
  offering: string;
}

export function registerGenerate(program: Command, io: CliIo): void {
  program
    .command('generate')
    .description('write a deterministic synthetic book: instruction files, participant registry, manifest and the list of planted faults')
    .requiredOption('--instructions <n>', 'number of D records in the book (1 to 100,000,000)')
    .requiredOption('--seed <text>', 'generator seed: the same seed and options give the same bytes')
    .requiredOption('--out <dir>', 'new or empty folder to write into (inbox/, participants.csv, planted.csv, manifest.json)')
    .requiredOption('--offering <file>', 'offering JSON file (stock code, quantities, prices, fees, windows)')
    .option('--participants-count <k>', 'participants in the registry, all four channels (4 to 10,000; default 200)')
    .option('--records-per-file <m>', 'average D records a file (default 650)')
    .option('--error-rate <r>', 'share of instructions with one planted record-level fault (default 0)')
    .option('--multiple-rate <r>', "share of instructions reusing another instruction's applicant (default 0)")
    .action((opts: GenerateOpts) => {
      const options = readGenerateOptions(opts);
      const offering = loadOfferingFile(opts.offering);
      const { manifest: m, inboxBytes } = writeSyntheticBook(opts.out, offering, opts.offering, options);
      const n = (x: number) => formatThousands(x);
      const channels = Object.entries(m.instructions.by_channel).map(([c, x]) => `${c} ${n(x)}`).join(', ');
      const faults = m.expected.rejected_at_ingest;
      io.stdout([
        `generated ${n(m.instructions.total)} instructions (${channels}) in ${n(m.files)} files (${(inboxBytes / 1e6).toFixed(1)} MB) for ${n(m.participants.total!)} participants, seed "${m.seed}"`,
        `planted: ${n(faults)} record faults, ${n(m.planted.multiple_applications)} instructions in multiple applications`,
        `expected: ${n(m.expected.accepted_at_ingest)} accepted at ingest, ${n(m.expected.valid_at_allocation)} valid at allocation`,
        `written: ${opts.out}`,
      ].join('\n') + '\n');
    });
}
