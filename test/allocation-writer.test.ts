import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { archiveOutputFolder, readOutputFolder, writeOutputFolder } from '../src/io/outputs';
import { tempDir } from './unit/refund/cli-harness';

describe('io/outputs', () => {
  test('writes every file, leaves no temporary file, replaces an earlier run and clears crash leftovers', async () => {
    const dir = path.join(tempDir('writer'), 'allocation');
    await writeOutputFolder(dir, [{ name: 'a.csv', content: 'x\n' }, { name: 'manifest.json', content: '{}\n' }]);
    writeFileSync(path.join(dir, '.a.csv.0123456789ab.tmp'), 'half');
    await writeOutputFolder(dir, [{ name: 'a.csv', content: 'y\n' }, { name: 'manifest.json', content: '{"v":2}\n' }]);
    expect(readdirSync(dir).sort()).toEqual(['a.csv', 'manifest.json']);
    expect(readFileSync(path.join(dir, 'a.csv'), 'utf8')).toBe('y\n');
    const found = await readOutputFolder(dir, ['a.csv', 'missing.csv']);
    expect(found.get('a.csv')!.toString()).toBe('y\n');
    expect(found.get('missing.csv')).toBeNull();
  });

  test('a superseded allocation is kept byte for byte, only if it is the recorded one; a second keep is a no-op', async () => {
    const dir = path.join(tempDir('archive'), 'allocation');
    const manifest = JSON.stringify({ files: [{ name: 'a.csv' }, { name: 'b.json' }] }) + '\n';
    await writeOutputFolder(dir, [{ name: 'a.csv', content: 'x,1\n' }, { name: 'b.json', content: '{}\n' }, { name: 'manifest.json', content: manifest }]);
    const sha = createHash('sha256').update(manifest).digest('hex');
    const archive = path.join(dir, 'superseded', '1');
    await expect(archiveOutputFolder(dir, archive, 'manifest.json', 'f'.repeat(64))).rejects.toThrow(/not the manifest recorded/);
    expect(existsSync(archive)).toBe(false);
    await archiveOutputFolder(dir, archive, 'manifest.json', sha);
    expect(readdirSync(archive).sort()).toEqual(['a.csv', 'b.json', 'manifest.json']);
    expect(readFileSync(path.join(archive, 'a.csv'), 'utf8')).toBe('x,1\n');
    expect(readFileSync(path.join(archive, 'manifest.json'), 'utf8')).toBe(manifest);
    writeFileSync(path.join(dir, 'a.csv'), 'changed\n');
    await archiveOutputFolder(dir, archive, 'manifest.json', sha);
    expect(readFileSync(path.join(archive, 'a.csv'), 'utf8')).toBe('x,1\n');
    expect(readdirSync(path.join(dir, 'superseded'))).toEqual(['1']);
  });
});
