import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readOutputFolder, writeBookClosed, writeOutputFolder } from '../src/io/outputs';
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

  test('book-closed.json is written once and never rewritten', async () => {
    const work = tempDir('closed');
    await writeBookClosed(work, '0020');
    const file = path.join(work, 'book-closed.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ book_closed: true, stock_code: '0020' });
    writeFileSync(file, 'kept\n');
    await writeBookClosed(work, '0020');
    expect(readFileSync(file, 'utf8')).toBe('kept\n');
    expect(existsSync(file)).toBe(true);
  });
});
