/**
 * The structured logger (pino JSON on stderr by default). Identity documents are masked by the
 * callers (domain/mask.ts) and, as a second line of defence, any field named like one is redacted.
 */
import { existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import pino, { Logger, DestinationStream } from 'pino';
import { StorageError } from '../domain/errors';

export type { Logger };

export function createLogger(destination?: DestinationStream, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const options = {
    level,
    base: undefined,
    redact: { paths: ['applicant_id', '*.applicant_id', 'applicant_ids', '*.applicant_ids', 'joint_applicants', '*.joint_applicants'], censor: '[masked]' },
  };
  return destination ? pino(options, destination) : pino(options, pino.destination(2));
}

export interface LogDestination extends DestinationStream {
  /** Nothing is buffered: every line is written when logged. */
  flushSync(): void;
}

/**
 * A log file (appended to; its folder created) or `-` for stderr, written synchronously line by
 * line. A write the file system refuses (a full disk, a read-only mount) is a StorageError naming
 * the log file, thrown from the logging call: the run stops with exit code 74 rather than go on
 * without its log.
 */
export function openLogDestination(file: string): LogDestination {
  let fd: number;
  const where = file === '-' ? 'stderr' : file;
  if (file === '-') fd = 2;
  else {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (e) {
      // Node's recursive mkdir says ENOENT for a parent it cannot create: create the deepest missing one alone for the real cause.
      let missing = path.dirname(path.resolve(file));
      while (path.dirname(missing) !== missing && !existsSync(path.dirname(missing))) missing = path.dirname(missing);
      try {
        mkdirSync(missing);
      } catch (real) {
        throw StorageError.wrap('create the folder of the log', file, real);
      }
      throw StorageError.wrap('create the folder of the log', file, e);
    }
    try {
      fd = openSync(file, 'a');
    } catch (e) {
      throw StorageError.wrap('open the log', file, e);
    }
  }
  return {
    write(line: string) {
      try {
        writeSync(fd, line);
      } catch (e) {
        throw StorageError.wrap('write the log', where, e);
      }
    },
    flushSync() {},
  };
}
