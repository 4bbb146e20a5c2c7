/** Where a command writes: stdout and stderr, injectable so commands are testable in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stderr is a terminal: long work shows a progress line there (cli/progress.ts). */
  stderrIsTTY?: boolean;
  /** Ends a long-running command (`serve`) when aborted; without it, SIGINT or SIGTERM does. */
  stop?: AbortSignal;
}
