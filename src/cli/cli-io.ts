/** Where a command writes: stdout and stderr, injectable so commands are testable in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Ends a long-running command (`serve`) when aborted; without it, SIGINT or SIGTERM does. */
  stop?: AbortSignal;
}
