/**
 * The JSON log of a writing command: `<work>/logs/<command>.log` by default, `--log FILE`, or
 * `--log -` for stderr. pino, synchronous, identity numbers masked (io/log.ts).
 */
import * as path from 'node:path';
import { createLogger, Logger, openLogDestination } from '../io/log';

export interface CommandLog {
  logger: Logger;
  flush(): void;
}

export function openCommandLog(work: string, command: string, option: string | undefined): CommandLog {
  const file = option ?? path.join(work, 'logs', `${command}.log`);
  const destination = openLogDestination(file);
  return { logger: createLogger(destination), flush: () => destination.flushSync() };
}
