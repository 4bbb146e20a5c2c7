/**
 * Issue 8, item 8: the store is tamper-evident. Each stored file's meta records the SHA-256 of
 * its JSON lines; verify checks the store first and names the store file that changed instead of
 * blaming the outputs, and an allocation refuses a store that changed (exit 74).
 */
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkStore, listStoredFiles } from '../../src/io/store';
import { OFFERING, PARTICIPANTS, ROOT, runCli, tempDir } from '../unit/refund/cli-harness';

async function allocatedSamples(): Promise<string> {
  const work = tempDir('tamper');
  cpSync(path.join(ROOT, 'samples/inbox'), path.join(work, 'inbox'), { recursive: true });
  const r = await runCli(['run', '--offering', OFFERING, '--participants', PARTICIPANTS, '--inbox', path.join(work, 'inbox'), '--work', work, '--final-price', '3.85', '--seed', 'samples-2021']);
  expect(r.code).toBe(0);
  return work;
}

const verify = (work: string) => runCli(['verify', '--work', work, '--offering', OFFERING, '--participants', PARTICIPANTS]);

describe('store tamper evidence', () => {
  it('each meta records the SHA-256 of its JSONL; an untouched store checks clean and verify exits 0', async () => {
    const work = await allocatedSamples();
    const metas = await listStoredFiles(work);
    expect(metas.length).toBe(8);
    for (const m of metas) {
      const jsonl = readFileSync(path.join(work, 'store/files', m.participant_id, `${m.file_sha256}.jsonl`));
      expect(m.jsonl_sha256).toBe(createHash('sha256').update(jsonl).digest('hex'));
    }
    expect(await checkStore(work)).toEqual([]);
    expect((await verify(work)).code).toBe(0);
  });

  it('an edited applicant name in the store: verify names the store file, exit 1, outputs not blamed; allocate refuses (74)', async () => {
    const work = await allocatedSamples();
    const dir = path.join(work, 'store/files/BRK001');
    const [meta] = (await listStoredFiles(work)).filter((m) => m.participant_id === 'BRK001');
    const file = path.join(dir, `${meta!.file_sha256}.jsonl`);
    const text = readFileSync(file, 'utf8');
    // The first applicant's name (the store's format changed in issue 9: rows, not objects).
    const edited = text.replace('"CHAN Tai Man"', '"SOMEONE ELSE"');
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    const rel = `store/files/BRK001/${meta!.file_sha256}.jsonl`;

    const r = await verify(work);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`CHANGED ${rel}\n`);
    expect(r.stderr).toBe(`ccass-batch: verify: the store was changed after ingest: ${rel} no longer matches the SHA-256 recorded at ingest; outputs not compared\n`);

    const again = await runCli(['allocate', '--offering', OFFERING, '--participants', PARTICIPANTS, '--work', work, '--final-price', '3.85', '--seed', 'samples-2021', '--supersede', '--reason', 'rerun on the changed store']);
    expect(again.code).toBe(74);
    expect(again.stderr).toBe(`ccass-batch: the store was changed after ingest: ${file} no longer has the SHA-256 recorded in its meta (run verify)\n`);
  });

  it('a removed store file is MISSING; a meta written before hashes were kept is UNCHECKED, not a failure', async () => {
    const work = await allocatedSamples();
    const metas = await listStoredFiles(work);
    const [a, b] = metas;
    const { rmSync } = await import('node:fs');
    rmSync(path.join(work, 'store/files', a!.participant_id, `${a!.file_sha256}.jsonl`));
    const metaB = path.join(work, 'store/files', b!.participant_id, `${b!.file_sha256}.meta.json`);
    const { jsonl_sha256: _dropped, ...old } = JSON.parse(readFileSync(metaB, 'utf8'));
    writeFileSync(metaB, JSON.stringify(old, null, 2) + '\n');
    expect(await checkStore(work)).toEqual([
      { file: `store/files/${a!.participant_id}/${a!.file_sha256}.jsonl`, problem: 'MISSING' },
      { file: `store/files/${b!.participant_id}/${b!.file_sha256}.jsonl`, problem: 'NO_HASH_RECORDED' },
    ]);
    expect(readdirSync(path.join(work, 'store/files')).length).toBeGreaterThan(0);
  });
});
