/** Where a command writes: stdout and stderr, injectable so commands are testable in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
