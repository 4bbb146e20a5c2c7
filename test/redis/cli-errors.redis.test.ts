/** A Redis that does not answer: the commands stop at once with exit 74, naming it without its password. */
import { runCli } from '../unit/refund/cli-harness';

test('a Redis that does not answer: exit 74, naming it (no password)', async () => {
  const r = await runCli(['close', '--redis', 'redis://:secret@127.0.0.1:1', '--prefix', 'x', '--final-price', '3.85', '--seed', 's']);
  expect(r.code).toBe(74);
  expect(r.stderr).toMatch(/^ccass-batch: Redis redis:\/\/127\.0\.0\.1:1 prefix "x" does not answer: .*\n$/);
  expect(r.stderr).not.toContain('secret');
});
