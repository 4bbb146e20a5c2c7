import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../src/cli/main';

const ROOT = path.join(__dirname, '..');

async function run(args: string[]) {
  let stderr = '';
  const code = await main(['node', 'ccass-batch', ...args], { stdout: () => undefined, stderr: (t) => { stderr += t; } });
  return { code, stderr };
}

describe('ccass-batch ingest', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(path.join(tmpdir(), 'ingest-cli-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints a line per file and a count, logs JSON without identity numbers, exits 0', async () => {
    cpSync(path.join(ROOT, 'samples/inbox'), path.join(tmp, 'inbox'), { recursive: true });
    const { code, stderr } = await run(['ingest', '--offering', path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json'), '--participants', path.join(ROOT, 'samples/participants.csv'), '--inbox', path.join(tmp, 'inbox'), '--work', path.join(tmp, 'work')]);
    expect(code).toBe(0);
    expect(stderr).toContain('BRK001/day1.csv: 14 records, 10 accepted, 4 rejected\n');
    expect(stderr).toContain('BRK001/day3.csv: FILE_REJECTED TRAILER_COUNT_MISMATCH\n');
    expect(stderr).toMatch(/\ningest: 14 files: 8 accepted .*\n$/);
    const log = readFileSync(path.join(tmp, 'work/logs/ingest.log'), 'utf8');
    expect(log.trim().split('\n').every((l) => JSON.parse(l))).toBe(true);
    expect(log).not.toMatch(/A123456|K12345678/);
  });

  it('exits 2 with one line for an inbox that is not a folder', async () => {
    const { code, stderr } = await run(['ingest', '--offering', path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json'), '--participants', path.join(ROOT, 'samples/participants.csv'), '--inbox', path.join(tmp, 'nope'), '--work', path.join(tmp, 'work')]);
    expect(code).toBe(2);
    expect(stderr).toBe(`ccass-batch: --inbox ${path.join(tmp, 'nope')}: not a folder (it does not exist)\n`);
  });
});
