import * as path from 'node:path';
import { main } from '../../../src/cli/main';

const OFFERING = path.join(__dirname, '../../../samples/offerings/0020-sensetime-2021.json');

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'ccass-batch', ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

describe('ccass-batch amounts', () => {
  it("prints the offering's table as CSV shares,amount", async () => {
    const { code, stdout } = await run(['amounts', '--offering', OFFERING]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(49);
    expect(lines.slice(0, 3)).toEqual(['shares,amount', '1000,4030.21', '2000,8060.42']);
    expect(lines[48]).toBe('75000000,302265542.25');
  });

  it('stops with exit code 2 and one line for an unreadable offering', async () => {
    const { code, stderr } = await run(['amounts', '--offering', '/nonexistent/offering.json']);
    expect(code).toBe(2);
    expect(stderr).toBe('ccass-batch: offering /nonexistent/offering.json: cannot be read (ENOENT)\n');
  });

  it('prints help and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('amounts');
  });
});
