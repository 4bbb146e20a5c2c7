/** What the processors of a worker process share (besides the RunContext). */
import type { FileEnv } from '../pipeline/ingest-file';
import type { LoadedBooks } from './book-ref';
import type { Membership } from './membership';
import type { RunContext } from './run-context';

export interface WorkerContext extends RunContext {
  membership: Membership;
  books: LoadedBooks;
  /** Called at each step of each file (the crash drill of the tests; see worker-runner.ts). */
  onStep?: FileEnv['onStep'];
}
