/**
 * The `generate` command's options, checked before anything is written (UsageError, exit code 2,
 * one line naming the option). Defaults and limits are documented in docs/generate.md.
 */
import { UsageError } from '../domain/errors';
import { GENERATE_DEFAULTS, GenerateOptions, MAX_PARTICIPANTS, MIN_PARTICIPANTS } from './book-plan';
import { MAX_INSTRUCTIONS } from './identities';

export const MAX_RECORDS_PER_FILE = 10_000_000;

/** The options as typed on the command line. */
export interface GenerateArguments {
  instructions: string;
  seed: string;
  participantsCount?: string;
  recordsPerFile?: string;
  errorRate?: string;
  multipleRate?: string;
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const compact = text.replace(/[_,]/g, '');
  if (!/^[0-9]+$/.test(compact) || Number(compact) < min || Number(compact) > max) {
    throw new UsageError(`${flag} "${text}" must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`);
  }
  return Number(compact);
}

function rate(flag: string, text: string): number {
  if (!/^(0(\.[0-9]{1,6})?|1(\.0{1,6})?|\.[0-9]{1,6})$/.test(text)) {
    throw new UsageError(`${flag} "${text}" must be a share of the instructions from 0 to 1 with at most 6 decimals, e.g. 0.01`);
  }
  return Number(text);
}

export function readGenerateOptions(args: GenerateArguments): GenerateOptions {
  if (args.seed.trim() === '') throw new UsageError('--seed must not be empty');
  const options: GenerateOptions = {
    instructions: wholeNumber('--instructions', args.instructions, 1, MAX_INSTRUCTIONS),
    seed: args.seed,
    participantsCount: args.participantsCount === undefined ? GENERATE_DEFAULTS.participantsCount : wholeNumber('--participants-count', args.participantsCount, MIN_PARTICIPANTS, MAX_PARTICIPANTS),
    recordsPerFile: args.recordsPerFile === undefined ? GENERATE_DEFAULTS.recordsPerFile : wholeNumber('--records-per-file', args.recordsPerFile, 1, MAX_RECORDS_PER_FILE),
    errorRate: args.errorRate === undefined ? GENERATE_DEFAULTS.errorRate : rate('--error-rate', args.errorRate),
    multipleRate: args.multipleRate === undefined ? GENERATE_DEFAULTS.multipleRate : rate('--multiple-rate', args.multipleRate),
  };
  if (options.errorRate + options.multipleRate > 1) throw new UsageError('--error-rate and --multiple-rate together must not exceed 1');
  return options;
}
