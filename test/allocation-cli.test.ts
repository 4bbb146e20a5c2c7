import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { instruction, rejected } from './unit/refund/book-builders';
import { OFFERING, PARTICIPANTS, runCli, storeFile, tempDir } from './unit/refund/cli-harness';

async function smallBook(): Promise<string> {
  const work = tempDir('alloc');
  await storeFile(work, [
    instruction('BRK001', 'B1', 1000, { line: 2 }),
    instruction('BRK001', 'B2', 20000, { line: 3, applicant_ids: ['HKID:K1111111'] }),
    rejected('BRK001', 'B3', 'OUTSIDE_WINDOW', { line: 4 }),
  ], 'a'.repeat(64));
  await storeFile(work, [
    instruction('WFE001', 'W1', 1000000, { refund_account: '004-123-456789' }),
    instruction('WFE001', 'W2', 3000, { line: 3, applicant_ids: ['HKID:K1111111'] }),
  ], 'b'.repeat(64));
  return work;
}

const allocateArgs = (work: string, price: string, ...more: string[]) =>
  ['allocate', '--offering', OFFERING, '--participants', PARTICIPANTS, '--work', work, '--final-price', price, '--seed', 'cli-test', ...more];

describe('ccass-batch allocate', () => {
  test('closes the book, writes the eight output files and records the allocation; prints a summary', async () => {
    const work = await smallBook();
    const r = await runCli(allocateArgs(work, '3.85', '--operator', 'registrar-1'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^book closed at \d{4}-\d\d-\d\dT[\d:.]+Z: 0 file\(s\)/m);
    expect(r.stdout).toMatch(/valid applications: 2/);
    expect(existsSync(path.join(work, 'book-closed.json'))).toBe(false);
    expect(readdirSync(path.join(work, 'allocation')).sort()).toEqual(
      ['basis-of-allocation.csv', 'ccass-deposits.csv', 'certificates.csv', 'manifest.json', 'refunds-summary.csv', 'refunds.csv', 'results.csv', 'summary.json'],
    );
    const results = readFileSync(path.join(work, 'allocation/results.csv'), 'utf8');
    expect(results).toContain('BRK001,B2,CLEARING,HKID:K1111111,,20000,0,REJECTED,MULTIPLE_APPLICATION\n');
    expect(results).toContain('WFE001,W2,WHITE_FORM,HKID:K1111111,,3000,0,REJECTED,MULTIPLE_APPLICATION\n');
    const summary = JSON.parse(readFileSync(path.join(work, 'allocation/summary.json'), 'utf8'));
    expect(summary.final_price).toBe('3.85');
    expect(summary.draw.seed).toBe('cli-test');
    const lifecycle = JSON.parse(readFileSync(path.join(work, 'lifecycle.json'), 'utf8'));
    expect(lifecycle.transitions.map((t: { to: string }) => t.to)).toEqual(['open', 'closed', 'allocating', 'allocated']);
    const allocated = lifecycle.transitions[3];
    expect(allocated).toMatchObject({
      command: 'allocate', operator: 'registrar-1', pid: process.pid,
      parameters: { final_price: '3.85', seed: 'cli-test', reallocate_shares: null, ballot_policy: null },
      book_sha256: summary.draw.book_sha256,
      manifest_sha256: createHash('sha256').update(readFileSync(path.join(work, 'allocation/manifest.json'))).digest('hex'),
      supersedes: null,
    });
    expect(existsSync(path.join(work, 'lock.json'))).toBe(false);
  });

  test('the same allocation again (3.90 then 3.9) writes nothing and says so', async () => {
    const work = await smallBook();
    expect((await runCli(allocateArgs(work, '3.90'))).code).toBe(0);
    const read = () => Object.fromEntries(readdirSync(path.join(work, 'allocation')).map((n) => [n, readFileSync(path.join(work, 'allocation', n), 'utf8')]));
    const first = read();
    const lifecycle = readFileSync(path.join(work, 'lifecycle.json'), 'utf8');
    const again = await runCli(allocateArgs(work, '3.9'));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^already final: allocated with final price 3\.90, seed "cli-test" at .* nothing written$/m);
    expect(read()).toEqual(first);
    expect(readFileSync(path.join(work, 'lifecycle.json'), 'utf8')).toBe(lifecycle);
  });

  test.each([['3.84'], ['4.00'], ['abc'], ['3.8511'], ['-3.90']])('final price %s: one-line error, exit 2, nothing written', async (price) => {
    const work = await smallBook();
    const r = await runCli(allocateArgs(work, price));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/final-price/);
    expect(existsSync(path.join(work, 'lifecycle.json'))).toBe(false);
    expect(existsSync(path.join(work, 'allocation'))).toBe(false);
  });

  test('a reallocation the offering does not allow: exit 2, nothing written', async () => {
    const work = await smallBook();
    const r = await runCli(allocateArgs(work, '3.99', '--reallocate', '1000000'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(path.join(work, 'lifecycle.json'))).toBe(false);
    expect(existsSync(path.join(work, 'allocation'))).toBe(false);
  });
});

describe('ccass-batch verify', () => {
  const verifyArgs = (work: string) => ['verify', '--work', work, '--offering', OFFERING, '--participants', PARTICIPANTS];

  test('all files match after allocate: exit 0', async () => {
    const work = await smallBook();
    await runCli(allocateArgs(work, '3.85'));
    const r = await runCli(verifyArgs(work));
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^MATCH /gm)).toHaveLength(8);
  });

  test('a tampered output file is found: exit 1, the file named', async () => {
    const work = await smallBook();
    await runCli(allocateArgs(work, '3.85'));
    const refunds = path.join(work, 'allocation/refunds.csv');
    writeFileSync(refunds, readFileSync(refunds, 'utf8').replace(/,(\d+)\.(\d\d),/, (_m, a: string, b: string) => `,${a}.${b === '99' ? '98' : '99'},`));
    const r = await runCli(verifyArgs(work));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^DIFFERS refunds\.csv$/m);
    expect(r.stdout).toMatch(/^MATCH   results\.csv$/m);
    expect(r.stderr).toMatch(/refunds\.csv/);
  });

  test('a missing output file is reported: exit 1', async () => {
    const work = await smallBook();
    await runCli(allocateArgs(work, '3.85'));
    const { rmSync } = await import('node:fs');
    rmSync(path.join(work, 'allocation/certificates.csv'));
    const r = await runCli(verifyArgs(work));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^MISSING certificates\.csv$/m);
  });
});

describe('ccass-batch run', () => {
  test('a final price out of range stops before ingest: inbox untouched, nothing written', async () => {
    const { mkdirSync, writeFileSync: write, readdirSync: list } = await import('node:fs');
    const work = tempDir('run-bad');
    const inbox = tempDir('run-bad-inbox');
    mkdirSync(path.join(inbox, 'BRK001'));
    write(path.join(inbox, 'BRK001', 'a.csv'), 'H,1,0020,BRK001,CLEARING,1,2021-12-20T09:00:00\nT,0,0,0.00\n');
    const r = await runCli(['run', '--offering', OFFERING, '--participants', PARTICIPANTS, '--inbox', inbox, '--work', work, '--final-price', '4.10', '--seed', 's']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/final-price 4\.10 is outside the offer price range 3\.85 to 3\.99/);
    expect(list(work)).toEqual([]);
    expect(list(path.join(inbox, 'BRK001'))).toEqual(['a.csv']);
  });
});
