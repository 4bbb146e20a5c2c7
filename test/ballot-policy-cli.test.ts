/**
 * `--ballot-policy` through the CLI (allocate, verify) and `preview` (docs/ballot.md): the policy
 * as given and as solved lands in summary.json and the basis file, verify re-derives with it, and
 * preview prints the very basis table allocate then writes, without writing anything.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { instruction } from './unit/refund/book-builders';
import { OFFERING, PARTICIPANTS, readTree, runCli, storeFile, tempDir } from './unit/refund/cli-harness';

/** The 0020 offering with a 1,000,000-share Hong Kong tranche, so a small book is oversubscribed. */
function smallTrancheOffering(dir: string): string {
  const o = JSON.parse(readFileSync(OFFERING, 'utf8'));
  o.tranches = { offer_shares: 10_000_000, hong_kong_initial: 1_000_000, international_initial: 9_000_000, over_allotment: 0 };
  o.reallocation = { max_hong_kong_shares: 2_000_000, required_final_price: '3.85', only_below_first_tier: true };
  const file = path.join(dir, 'offering.json');
  writeFileSync(file, JSON.stringify(o));
  return file;
}

/** 400 applications for one lot, 100 for ten, 20 for a hundred: 3,400 lots for a 1,000-lot pool A. */
async function book(): Promise<{ work: string; offering: string }> {
  const work = tempDir('policy');
  const rows = [
    ...Array.from({ length: 400 }, (_, i) => instruction('BRK001', `S${i}`, 1_000, { line: i + 2 })),
    ...Array.from({ length: 100 }, (_, i) => instruction('BRK001', `M${i}`, 10_000, { line: i + 402 })),
    ...Array.from({ length: 20 }, (_, i) => instruction('BRK001', `L${i}`, 100_000, { line: i + 502 })),
  ];
  await storeFile(work, rows, 'c'.repeat(64));
  return { work, offering: smallTrancheOffering(tempDir('policy-offering')) };
}

function policyFile(content: string): string {
  const file = path.join(tempDir('policy-file'), 'policy.json');
  writeFileSync(file, content);
  return file;
}

const allocateArgs = (b: { work: string; offering: string }, ...more: string[]) =>
  ['allocate', '--offering', b.offering, '--participants', PARTICIPANTS, '--work', b.work, '--final-price', '3.85', '--seed', 'policy-test', ...more];
const previewArgs = (b: { work: string; offering: string }, ...more: string[]) =>
  ['preview', '--offering', b.offering, '--participants', PARTICIPANTS, '--work', b.work, '--final-price', '3.85', ...more];

describe('allocate --ballot-policy', () => {
  test('records the policy as given and as solved; the basis file shows it; verify re-derives with it', async () => {
    const b = await book();
    const policy = policyFile('{"A": {"first_row_pct": "40"}}');
    const r = await runCli(allocateArgs(b, '--ballot-policy', policy));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ballot policy: pool A first_row_pct 40 -> exponent 0\.\d+: 1,000 shares applied, 160 of 400 win one lot more \(40\.00%\); pool B in full \(not oversubscribed\)$/m);

    const summary = JSON.parse(readFileSync(path.join(b.work, 'allocation/summary.json'), 'utf8'));
    expect(summary.ballot_policy.A).toEqual({
      given: { first_row_pct: '40' }, exponent: expect.any(Number),
      first_row: { shares_applied: 1000, valid_applications: 400, base_shares: 0, winners: 160, pct_allotted: '40.00' },
    });
    expect(summary.ballot_policy.B).toEqual({ given: null, exponent: null, first_row: null });
    const exponent = summary.ballot_policy.A.exponent as number;
    expect(exponent).toBeGreaterThan(0);
    expect(exponent).toBeLessThan(1);

    const basis = readFileSync(path.join(b.work, 'allocation/basis-of-allocation.csv'), 'utf8').split('\n');
    expect(basis[0]).toBe('pool,shares_applied,valid_applications,basis,approx_pct_allotted,ballot_policy,exponent');
    expect(basis[1]).toBe(`A,1000,400,"160 out of 400 applicants to receive 1,000 shares",40.00,first_row_pct 40,${exponent}`);

    const v = await runCli(['verify', '--work', b.work, '--offering', b.offering, '--participants', PARTICIPANTS]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('ballot policy {"A":{"first_row_pct":"40"}}');
    expect(v.stdout.match(/^MATCH /gm)).toHaveLength(8);

    // The same exponent given as an exponent allots the same shares to the same applications.
    const again = await book();
    await runCli(allocateArgs(again, '--ballot-policy', policyFile(`{"A": {"exponent": ${exponent}}}`)));
    expect(readFileSync(path.join(again.work, 'allocation/results.csv'))).toEqual(readFileSync(path.join(b.work, 'allocation/results.csv')));
  });

  test('verify re-derives with the policy the book\'s lifecycle recorded: a policy changed in summary.json is found', async () => {
    const b = await book();
    await runCli(allocateArgs(b, '--ballot-policy', policyFile('{"A": {"first_row_pct": "40"}}')));
    const lifecycle = JSON.parse(readFileSync(path.join(b.work, 'lifecycle.json'), 'utf8'));
    expect(lifecycle.transitions.at(-1).parameters.ballot_policy).toEqual({ A: { first_row_pct: '40' } });
    const file = path.join(b.work, 'allocation/summary.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"first_row_pct": "40"', '"first_row_pct": "45"'));
    const v = await runCli(['verify', '--work', b.work, '--offering', b.offering, '--participants', PARTICIPANTS]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('ballot policy {"A":{"first_row_pct":"40"}}');
    expect(v.stdout).toMatch(/^DIFFERS summary\.json$/m);
    expect(v.stdout).toMatch(/^MATCH   results\.csv$/m);
  });

  test('a book allocated before lifecycle records: verify reads the policy from summary.json', async () => {
    const b = await book();
    await runCli(allocateArgs(b, '--ballot-policy', policyFile('{"A": {"first_row_pct": "40"}}')));
    rmSync(path.join(b.work, 'lifecycle.json'));
    const file = path.join(b.work, 'allocation/summary.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"first_row_pct": "40"', '"first_row_pct": "45"'));
    const v = await runCli(['verify', '--work', b.work, '--offering', b.offering, '--participants', PARTICIPANTS]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('ballot policy {"A":{"first_row_pct":"45"}}');
    expect(v.stdout).toMatch(/^DIFFERS results\.csv$/m);
  });

  test.each([
    ['{"A": {"first_row_pct": "40", "exponent": 0.5}}', /policy\.json: A: give exactly one of first_row_pct/],
    ['{"A": {"firstrowpct": "40"}}', /policy\.json: A\.firstrowpct: unknown field/],
    ['{"A": {"first_row_pct": "10"}}', /pool A: first_row_pct 10 asks 40 lots .* fewer than plain pro rata gives them \(118 lots, 29\.50%\); the lowest this pool allows is 29\.375 \(or \{"exponent": 1\}\)/],
  ])('%s: one-line error, exit 2, nothing written', async (content, message) => {
    const b = await book();
    const r = await runCli(allocateArgs(b, '--ballot-policy', policyFile(content)));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(path.join(b.work, 'book-closed.json'))).toBe(false);
    expect(existsSync(path.join(b.work, 'allocation'))).toBe(false);
  });

  test('a missing policy file: exit 2', async () => {
    const b = await book();
    const r = await runCli(allocateArgs(b, '--ballot-policy', path.join(b.work, 'no-such.json')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ballot policy .*no-such\.json: cannot be read/);
  });
});

describe('preview', () => {
  test('--format csv prints the basis-of-allocation.csv allocate then writes, and writes nothing', async () => {
    const b = await book();
    const policy = policyFile('{"A": {"first_row_pct": "40"}}');
    const before = readTree(b.work);
    const p = await runCli(previewArgs(b, '--ballot-policy', policy, '--format', 'csv'));
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(/^subscription multiple: 3\.40x; no clawback or reallocation; Hong Kong tranche 1,000,000 shares$/m);
    expect(readTree(b.work)).toEqual(before);
    expect(existsSync(path.join(b.work, 'book-closed.json'))).toBe(false);

    expect((await runCli(allocateArgs(b, '--ballot-policy', policy))).code).toBe(0);
    expect(p.stdout).toBe(readFileSync(path.join(b.work, 'allocation/basis-of-allocation.csv'), 'utf8'));
  });

  test('the table: pools, multiple, tranche, the policy as solved and every row', async () => {
    const b = await book();
    const p = await runCli(previewArgs(b, '--ballot-policy', policyFile('{"A": {"first_row_pct": "60"}}'), '--reallocate', '500000'));
    expect(p.code).toBe(0);
    const lines = p.stdout.split('\n');
    expect(lines[0]).toBe('preview of 0020 SenseTime Group Inc. at final price HK$3.85 (nothing closed, drawn or written)');
    expect(lines[1]).toBe('valid applications: 520; multiple applications rejected: 0');
    expect(lines[2]).toBe('subscription multiple: 3.40x; reallocation of 500,000 shares; Hong Kong tranche 1,500,000 shares');
    expect(lines[3]).toBe('pool A: 1,500,000 shares; 520 valid applications for 3,400,000 shares; oversubscribed 2.27 times');
    expect(lines[4]).toBe('pool B: 0 shares; 0 valid applications for 0 shares; no applications');
    expect(lines[5]).toMatch(/^ballot policy: pool A first_row_pct 60 -> exponent 0\.\d+: 1,000 shares applied, 240 of 400 win one lot more \(60\.00%\); pool B in full \(not oversubscribed\)$/);
    expect(lines[7]).toMatch(/^pool  shares applied  valid applications  basis of allotment +% allotted$/);
    expect(lines[8]).toMatch(/^A              1,000                 400  240 out of 400 applicants to receive 1,000 shares +60\.00$/);
    expect(lines[10]).toMatch(/^A            100,000                  20  [\d,]+ shares plus [\d,]+ out of 20 applicants to receive an additional 1,000 shares +[\d.]+$/);
    expect(lines).toHaveLength(12);
  });

  test('several policies over one reading of the book: one preview each, a refused one said in place (exit 2)', async () => {
    const b = await book();
    const [p40, p10, pro] = ['{"A": {"first_row_pct": "40"}}', '{"A": {"first_row_pct": "10"}}', '{"A": {"exponent": 1}}'].map(policyFile);
    const r = await runCli(previewArgs(b, '--ballot-policy', p40!, '--ballot-policy', p10!, '--ballot-policy', pro!));
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`== policy 1 of 3: ${p40}\npreview of 0020`);
    expect(r.stdout).toMatch(/160 out of 400 applicants to receive 1,000 shares +40\.00/);
    expect(r.stdout).toContain(`== policy 2 of 3: ${p10}\nrefused: pool A: first_row_pct 10 asks 40 lots`);
    expect(r.stdout).toMatch(/== policy 3 of 3: .*\n(.*\n){5}ballot policy: pool A exponent 1 \(as given\): 1,000 shares applied, 118 of 400 win one lot more \(29\.50%\)/);
    expect(r.stderr).toBe(`ccass-batch: 1 of 3 policies refused (${p10}); the others are printed above\n`);
    const csv = await runCli(previewArgs(b, '--ballot-policy', p40!, '--ballot-policy', pro!, '--format', 'csv'));
    expect(csv.code).toBe(2);
    expect(csv.stderr).toMatch(/--format csv prints one basis file/);
  });

  test.each([
    [['--format', 'xml'], /--format "xml" must be table or csv/],
    [['--final-price', '4.20'], /outside the offer price range/],
  ])('%s: exit 2', async (more, message) => {
    const b = await book();
    const r = await runCli([...previewArgs(b), ...more]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
