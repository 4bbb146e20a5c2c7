/**
 * The Redis commands refuse unusable arguments with one line and exit 2 before connecting to
 * anything (a Redis is not needed for these), and the embedded `close` keeps its own rules.
 */
import { tmpdir } from 'node:os';
import { runCli } from '../refund/cli-harness';

test.each([
  [['close', '--final-price', '3.85'], 'ccass-batch: --final-price and --seed go together\n'],
  [['close', '--redis', '--wait'], 'ccass-batch: --wait, --reallocate and --ballot-policy go with --final-price and --seed\n'],
  [['close', '--work', '/tmp/x', '--offering', 'o.json'], 'ccass-batch: --participants is required (or --redis, to close the book the BullMQ workers serve)\n'],
  [['close', '--final-price', '3.85', '--seed', 's', '--inbox', tmpdir()], 'ccass-batch: --inbox: on Redis the inboxes are the watchers\'\n'],
  [['close', '--final-price', '3.85', '--seed', 's', '--prefix', 'a:b'], 'ccass-batch: --prefix "a:b": letters, digits, \'_\', \'.\' or \'-\' only\n'],
  [['status', '--work', '/tmp/x', '--prometheus', '-'], 'ccass-batch: --prometheus goes with --redis\n'],
  [['worker', '--queues', 'ingest,nightly'], 'ccass-batch: --queues "ingest,nightly": each must be one of ingest, allocate, export, provisional\n'],
  [['worker', '--concurrency', '0'], 'ccass-batch: --concurrency "0" must be a whole number from 1 to 64\n'],
  [['worker', '--redis', 'http://nowhere'], 'ccass-batch: --redis "http://nowhere" is not a URL such as redis://127.0.0.1:6379\n'],
  [['worker', '--lock-duration', '1.5'], 'ccass-batch: --lock-duration "1.5" is not a whole number of milliseconds\n'],
])('%j: exit 2, one line', async (args, message) => {
  const r = await runCli(args);
  expect([r.code, r.stderr, r.stdout]).toEqual([2, message, '']);
});
