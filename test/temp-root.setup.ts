/**
 * Jest's global setup (every project): one folder for the whole run's temporary folders made by
 * the test harness (test/unit/refund/cli-harness.ts tempDir), removed by temp-root.teardown.ts when
 * every test file has finished — never while a test's servers or workers may still use it. Without
 * it, a full run left about 400 MB of work folders in the system's temporary folder.
 */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default function setup(): void {
  // Read by the test workers, which start after the global setup and inherit the environment.
  process.env.CCASS_TEST_TMP = mkdtempSync(path.join(os.tmpdir(), 'ccass-tests-'));
}
