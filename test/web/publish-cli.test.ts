/**
 * `serve` and `announce` through the CLI: only a final allocation is published (assertPublishable),
 * each refusal one line with the documented exit code and nothing served or written; `serve`
 * starts on a loopback port, answers, and stops cleanly when told to.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { runCli, tempDir } from '../unit/refund/cli-harness';
import { buildSampleWork, OFFERING } from './sample-site';

let work: string;
beforeAll(async () => {
  work = await buildSampleWork();
});

/** A copy of the sample offering with changes. */
function offeringWith(change: (o: Record<string, any>) => void): string {
  const o = JSON.parse(readFileSync(OFFERING, 'utf8')) as Record<string, any>;
  change(o);
  const file = path.join(tempDir('offering'), 'offering.json');
  writeFileSync(file, JSON.stringify(o));
  return file;
}

describe('publishing refuses anything but a final allocation', () => {
  it.each(['serve', 'announce'])('%s: a work folder without an allocation is exit 2, one line', async (command) => {
    const empty = tempDir('empty-work');
    const r = await runCli([command, '--work', empty, '--offering', OFFERING, '--port', '0'].slice(0, command === 'serve' ? 7 : 5));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ccass-batch: work ${empty}: holds no book (no lifecycle.json); nothing to publish\n`);
    expect(existsSync(path.join(empty, 'announcement'))).toBe(false);
  });

  it('an open or closed book, or an allocation still being written, is exit 2 naming the state', async () => {
    const copy = tempDir('states');
    const lifecycle = JSON.parse(readFileSync(path.join(work, 'lifecycle.json'), 'utf8'));
    const upTo = (n: number) => writeFileSync(path.join(copy, 'lifecycle.json'), JSON.stringify({ ...lifecycle, transitions: lifecycle.transitions.slice(0, n) }));
    const states = lifecycle.transitions.map((t: { to: string }) => t.to);
    expect(states).toEqual(['open', 'closed', 'allocating', 'allocated']);
    upTo(1);
    expect((await runCli(['announce', '--work', copy, '--offering', OFFERING])).stderr).toBe(`ccass-batch: work ${copy}: the book is open, not allocated; nothing to publish until allocate has run\n`);
    upTo(2);
    expect((await runCli(['announce', '--work', copy, '--offering', OFFERING])).stderr).toMatch(/the book is closed, not allocated/);
    // A supersession under way: the final allocation is followed by a new intent.
    writeFileSync(path.join(copy, 'lifecycle.json'), JSON.stringify({ ...lifecycle, transitions: [...lifecycle.transitions, lifecycle.transitions[2]] }));
    const r = await runCli(['announce', '--work', copy, '--offering', OFFERING]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/an allocation started at .* has not finished; publish once it has\n$/);
  });

  it('an allocation folder whose manifest is not the one recorded with the final allocation is exit 74', async () => {
    const copy = tempDir('other-manifest');
    mkdirSync(path.join(copy, 'allocation'));
    for (const f of readdirSync(path.join(work, 'allocation')).filter((n) => n.includes('.'))) {
      writeFileSync(path.join(copy, 'allocation', f), readFileSync(path.join(work, 'allocation', f)));
    }
    const lifecycle = JSON.parse(readFileSync(path.join(work, 'lifecycle.json'), 'utf8'));
    lifecycle.transitions.at(-1).manifest_sha256 = '0'.repeat(64);
    writeFileSync(path.join(copy, 'lifecycle.json'), JSON.stringify(lifecycle));
    const r = await runCli(['announce', '--work', copy, '--offering', OFFERING]);
    expect(r.code).toBe(74);
    expect(r.stderr).toMatch(/not the manifest recorded for the final allocation in lifecycle\.json; run verify\n$/);
  });

  it('a missing work folder is exit 2', async () => {
    const r = await runCli(['announce', '--work', '/nonexistent/work', '--offering', OFFERING]);
    expect([r.code, r.stderr]).toEqual([2, 'ccass-batch: work /nonexistent/work: not a folder\n']);
  });

  it('an output file that does not match manifest.json is exit 74 (storage fault), nothing written', async () => {
    const copy = tempDir('tampered');
    mkdirSync(path.join(copy, 'allocation'));
    writeFileSync(path.join(copy, 'lifecycle.json'), readFileSync(path.join(work, 'lifecycle.json')));
    for (const f of readdirSync(path.join(work, 'allocation')).filter((n) => n.includes('.'))) {
      writeFileSync(path.join(copy, 'allocation', f), readFileSync(path.join(work, 'allocation', f)));
    }
    appendFileSync(path.join(copy, 'allocation/refunds.csv'), 'R99999999,BRK001,B1-0001,CLEARING,DIRECT_CREDIT,x,y,1.00,REJECTED\n');
    const r = await runCli(['announce', '--work', copy, '--offering', OFFERING]);
    expect(r.code).toBe(74);
    const size = statSync(path.join(work, 'allocation/refunds.csv')).size;
    expect(r.stderr).toMatch(new RegExp(`the output files do not match manifest\\.json: refunds\\.csv has ${size + 66} bytes, manifest\\.json says ${size}\\n$`));
    // Same size, one cent more: caught by the SHA-256.
    const refunds = path.join(work, 'allocation/refunds.csv');
    writeFileSync(path.join(copy, 'allocation/refunds.csv'), readFileSync(refunds, 'utf8').replace('4030.21,REJECTED', '4030.22,REJECTED'));
    expect((await runCli(['announce', '--work', copy, '--offering', OFFERING])).stderr).toMatch(/refunds\.csv does not match its SHA-256 in manifest\.json\n$/);
    rmSync(path.join(copy, 'allocation/certificates.csv'));
    const again = await runCli(['announce', '--work', copy, '--offering', OFFERING]);
    expect(again.stderr).toMatch(/certificates\.csv is listed in manifest\.json but missing/);
    expect(existsSync(path.join(copy, 'announcement'))).toBe(false);
  });

  it('an offering of another stock code, or without the after-close timetable, is exit 2', async () => {
    const other = await runCli(['announce', '--work', work, '--offering', offeringWith((o) => { o.stock_code = '9999'; })]);
    expect([other.code, other.stderr]).toEqual([2, `ccass-batch: work ${work} holds the allocation of stock code 0020, not of the offering's 9999\n`]);
    const noDates = await runCli(['serve', '--work', work, '--offering', offeringWith((o) => { delete o.timetable.after_close; }), '--port', '0']);
    expect(noDates.code).toBe(2);
    expect(noDates.stderr).toMatch(/timetable\.after_close is missing/);
  });

  it('serve: a bad --port or --clock is exit 2 before anything is read', async () => {
    expect((await runCli(['serve', '--work', work, '--offering', OFFERING, '--port', '70000'])).stderr).toBe('ccass-batch: --port "70000" must be a whole number from 0 to 65535\n');
    expect((await runCli(['serve', '--work', work, '--offering', OFFERING, '--clock', 'tomorrow'])).code).toBe(2);
  });
});

describe('serve', () => {
  it('listens on a loopback port, answers, and stops when told', async () => {
    const stop = new AbortController();
    let stdout = '';
    const running = main(['node', 'ccass-batch', 'serve', '--work', work, '--offering', OFFERING, '--port', '0', '--clock', '2021-12-29T09:00', '--log', path.join(work, 'serve-test.log')],
      { stdout: (t) => void (stdout += t), stderr: () => undefined, stop: stop.signal });
    for (let i = 0; i < 800 && !/listening on/.test(stdout); i++) await new Promise((r) => setTimeout(r, 25));
    expect(stdout).toMatch(/^serving 0020 SenseTime Group Inc\.: 73 applications, 73 identity documents \(index [0-9.]+ MB, loaded in [0-9.]+ s\)\nresults from 8:00 a\.m\. on Wednesday, December 29, 2021 to 12:00 midnight on Tuesday, January 4, 2022 \(Hong Kong time\); now open\nlistening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const base = /listening on (\S+)/.exec(stdout)![1]!;
    const res = await fetch(`${base}/api/results?id_type=BR&id=31234567`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { applications: { shares_allotted: number }[] }).applications[0]!.shares_allotted).toBe(14286000);
    stop.abort();
    expect(await running).toBe(0);
    await expect(fetch(`${base}/`)).rejects.toThrow();
    const log = readFileSync(path.join(work, 'serve-test.log'), 'utf8');
    expect(log).toContain('"id":"31*****7"');
    expect(log).not.toContain('31234567');
  });
});

describe('a lapsed offering is published as such', () => {
  it('announce after lapse: the announcement says the offering lapsed and lists no successful applicant', async () => {
    const lapsed = await buildSampleWork();
    const { PARTICIPANTS } = await import('../unit/refund/cli-harness');
    const l = await runCli(['lapse', '--work', lapsed, '--offering', OFFERING, '--participants', PARTICIPANTS, '--reason', 'underwriting terminated']);
    expect(l.code).toBe(0);
    const r = await runCli(['announce', '--work', lapsed, '--offering', OFFERING]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const html = readFileSync(path.join(lapsed, 'announcement/allotment-results-announcement.html'), 'utf8');
    expect(html).toMatch(/lapsed/i);
    expect(readFileSync(path.join(lapsed, 'announcement/successful-applicants.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
