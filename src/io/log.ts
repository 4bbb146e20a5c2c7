/**
 * The structured logger (pino JSON on stderr by default). Identity documents are masked by the
 * callers (domain/mask.ts) and, as a second line of defence, any field named like one is redacted.
 */
import pino, { Logger, DestinationStream } from 'pino';

export type { Logger };

export function createLogger(destination?: DestinationStream, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const options = {
    level,
    base: undefined,
    redact: { paths: ['applicant_id', '*.applicant_id', 'applicant_ids', '*.applicant_ids', 'joint_applicants', '*.joint_applicants'], censor: '[masked]' },
  };
  return destination ? pino(options, destination) : pino(options, pino.destination(2));
}
