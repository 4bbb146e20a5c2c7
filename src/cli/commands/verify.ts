import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { loadOfferingFile, loadParticipantsFile } from '../../io/config-files';
import { describeParameters } from '../../book/lifecycle';
import { verifyAllocation } from '../../pipeline/verify';
import { checkStore } from '../../io/store';
import { DifferencesFoundError } from '../../domain/errors';

/**
 * `verify`: first checks the store (every stored file against the SHA-256 its meta recorded at
 * ingest: a store changed since is named, and the outputs are not blamed for it), then re-derives
 * the allocation from the store and the parameters recorded for the final allocation (or lapse)
 * in the book's lifecycle; prints one line per output file. Exit 0 when every file matches byte
 * for byte, 1 when a store file or an output file differs or is missing. Read-only, no lock.
 */
export function registerVerify(program: Command, io: CliIo): void {
  program
    .command('verify')
    .description('re-derive the allocation from the kept inputs and compare every output file byte for byte')
    .requiredOption('--work <dir>', 'work folder of the run')
    .requiredOption('--offering <file>', 'offering JSON file')
    .requiredOption('--participants <file>', 'participant registry CSV')
    .action(async (opts: { work: string; offering: string; participants: string }) => {
      const store = await checkStore(opts.work);
      for (const p of store) io.stdout(`${p.problem === 'NO_HASH_RECORDED' ? 'UNCHECKED' : p.problem} ${p.file}${p.problem === 'NO_HASH_RECORDED' ? ' (no SHA-256 recorded: stored before it was kept)' : ''}\n`);
      const broken = store.filter((p) => p.problem !== 'NO_HASH_RECORDED');
      if (broken.length > 0) {
        throw new DifferencesFoundError('OUTPUTS_DIFFER', `verify: the store was changed after ingest: ${broken.map((p) => p.file).join(', ')} no longer match${broken.length === 1 ? 'es' : ''} the SHA-256 recorded at ingest; outputs not compared`);
      }
      const report = await verifyAllocation(opts.work, loadOfferingFile(opts.offering), loadParticipantsFile(opts.participants));
      const d = report.derived;
      io.stdout(d.kind === 'lapse' ? `re-derived the lapse (${JSON.stringify(d.reason)})\n` : `re-derived with ${describeParameters(d.parameters)}\n`);
      io.stdout(report.files.map((f) => `${f.verdict.padEnd(7)} ${f.name}`).join('\n') + '\n');
      const bad = report.files.filter((f) => f.verdict !== 'MATCH');
      if (bad.length > 0) throw new DifferencesFoundError('OUTPUTS_DIFFER', `verify: ${bad.length} of ${report.files.length} output files do not match (${bad.map((f) => f.name).join(', ')})`);
      io.stdout(`all ${report.files.length} output files match\n`);
    });
}
