/** Jest's global teardown: removes the run's folder of temporary folders (temp-root.setup.ts). */
import { rmSync } from 'node:fs';

export default function teardown(): void {
  const root = process.env.CCASS_TEST_TMP;
  if (root && /ccass-tests-[^/]+$/.test(root)) rmSync(root, { recursive: true, force: true });
}
