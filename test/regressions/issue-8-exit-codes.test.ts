/**
 * Issue 8, item 5: one exit-code table honoured by every command (README "Exit codes"):
 * input/config 2, storage 74, invariant 70, one line on stderr, no library's raw text.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describeFailure, main } from '../../src/cli/main';

const ROOT = path.join(__dirname, '../..');
const OFFERING = path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json');
const PARTICIPANTS = path.join(ROOT, 'samples/participants.csv');

let tmp: string;
beforeEach(() => { tmp = mkdtempSync(path.join(tmpdir(), 'exit-codes-')); });
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'ccass-batch', ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

const common = ['--offering', OFFERING, '--participants', PARTICIPANTS];
const commands = (work: string, inbox: string): [string, string[]][] => [
  ['ingest', ['ingest', ...common, '--inbox', inbox, '--work', work]],
  ['allocate', ['allocate', ...common, '--work', work, '--final-price', '3.85', '--seed', 's']],
  ['run', ['run', ...common, '--inbox', inbox, '--work', work, '--final-price', '3.85', '--seed', 's']],
  ['verify', ['verify', ...common, '--work', work]],
];

describe('arguments: exit 2, one line, nothing written', () => {
  it.each(['ingest', 'allocate', 'run', 'verify'])('%s with --work that is a file', async (name) => {
    const work = path.join(tmp, 'work-file');
    writeFileSync(work, 'a file');
    mkdirSync(path.join(tmp, 'inbox'));
    const r = await run(commands(work, path.join(tmp, 'inbox')).find(([n]) => n === name)![1]);
    expect(r).toMatchObject({ code: 2, stderr: `ccass-batch: --work ${work}: not a folder (it is a file)\n` });
  });

  it.each(['ingest', 'run'])('%s with --work under a file', async (name) => {
    writeFileSync(path.join(tmp, 'f'), 'a file');
    mkdirSync(path.join(tmp, 'inbox'));
    const work = path.join(tmp, 'f', 'work');
    const r = await run(commands(work, path.join(tmp, 'inbox')).find(([n]) => n === name)![1]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ccass-batch: --work ${work}: not a folder (a part of the path is a file)\n`);
  });

  it.each(['ingest', 'run'])('%s with --inbox missing', async (name) => {
    const inbox = path.join(tmp, 'no-inbox');
    const r = await run(commands(path.join(tmp, 'work'), inbox).find(([n]) => n === name)![1]);
    expect(r).toMatchObject({ code: 2, stderr: `ccass-batch: --inbox ${inbox}: not a folder (it does not exist)\n` });
  });

  it.each([
    ['abc', '--price "abc" is not a price such as 3.99 (at most 3 decimals)'],
    ['-1', '--price "-1" is not a price such as 3.99 (at most 3 decimals)'],
    ['4.50', '--price 4.50 is outside the offer price range 3.85 to 3.99'],
    ['3.8', '--price 3.8 is outside the offer price range 3.85 to 3.99'],
  ])('amounts --price %s', async (price, message) => {
    const r = await run(['amounts', '--offering', OFFERING, '--price', price]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `ccass-batch: ${message}\n` });
  });

  it('amounts --price inside the range prints the table at that price', async () => {
    const r = await run(['amounts', '--offering', OFFERING, '--price', '3.85']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['shares,amount', '1000,3888.79']);
  });
});

describe('storage faults during ingest: exit 74 naming the path and the operation', () => {
  it('an acknowledgement that cannot be written', async () => {
    const inbox = path.join(tmp, 'inbox');
    const work = path.join(tmp, 'work');
    cpSync(path.join(ROOT, 'samples/inbox'), inbox, { recursive: true });
    mkdirSync(path.join(work, 'outbox'), { recursive: true });
    writeFileSync(path.join(work, 'outbox', 'BRK001'), 'in the way');
    const r = await run(['ingest', ...common, '--inbox', inbox, '--work', work]);
    expect(r.code).toBe(74);
    expect(r.stderr.trim().split('\n').pop()).toMatch(new RegExp(`^ccass-batch: cannot create the folder ${path.join(work, 'outbox', 'BRK001')} \\((EEXIST, already exists|ENOTDIR, a part of the path is not a folder)\\)$`));
  });

  it('a log on a full disk (/dev/full)', async () => {
    const inbox = path.join(tmp, 'inbox');
    cpSync(path.join(ROOT, 'samples/inbox'), inbox, { recursive: true });
    const r = await run(['ingest', ...common, '--inbox', inbox, '--work', path.join(tmp, 'work'), '--log', '/dev/full']);
    expect(r.code).toBe(74);
    expect(r.stderr.trim().split('\n').pop()).toBe('ccass-batch: cannot write the log /dev/full (ENOSPC, no space left on the device)');
  });
});

describe('the mapping itself', () => {
  it('a raw system error is a storage fault (74) in plain words; anything unforeseen is 70 without its raw text', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write', path: '/w/x' });
    expect(describeFailure(enospc)).toEqual({ exitCode: 74, message: 'storage fault: write /w/x (ENOSPC, no space left on the device)' });
    const erofs = Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS', errno: -30, syscall: 'open' });
    expect(describeFailure(erofs)).toEqual({ exitCode: 74, message: 'storage fault: open (EROFS, read-only file system)' });
    const decimal = Object.assign(new Error('[DecimalError] Invalid argument: abc'), { name: 'Error' });
    const unforeseen = describeFailure(decimal);
    expect(unforeseen.exitCode).toBe(70);
    expect(unforeseen.message).not.toMatch(/DecimalError|Invalid argument|abc/);
  });
});
