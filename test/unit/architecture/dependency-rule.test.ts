/**
 * The dependency rule (docs/architecture.md): the pure stages never touch the file system, queues,
 * the logger, the clock or randomness. A restricted-import lint, run with the tests.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '../../../src');
const PURE = ['domain', 'money', 'offering', 'book', 'ingest', 'validate', 'allocate', 'refund', 'generate', 'preview', 'publish', 'treasury'];
const FORBIDDEN: [RegExp, string][] = [
  [/from ['"](node:)?fs(\/promises)?['"]/, 'the file system'],
  [/require\(['"](node:)?fs/, 'the file system'],
  [/from ['"](bullmq|ioredis|pino)['"]/, 'queues, Redis or the logger'],
  [/from ['"]\.\.\/(io|pipeline|workers|cli)\//, 'the imperative shell'],
  [/Date\.now\(|new Date\(\)/, 'the clock'],
  [/Math\.random\(/, 'randomness'],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('dependency rule', () => {
  const pureFiles = PURE.flatMap((d) => {
    try { return files(path.join(SRC, d)); } catch { return []; }
  });

  it('finds the pure stages', () => {
    expect(pureFiles.length).toBeGreaterThan(5);
  });

  it.each(PURE)('src/%s uses no I/O, clock or randomness', (dir) => {
    const offences = pureFiles
      .filter((f) => f.startsWith(path.join(SRC, dir) + path.sep))
      .flatMap((f) => FORBIDDEN.filter(([re]) => re.test(readFileSync(f, 'utf8'))).map(([, what]) => `${path.relative(SRC, f)} touches ${what}`));
    expect(offences).toEqual([]);
  });

  it('the lint itself catches an offence', () => {
    expect(FORBIDDEN.some(([re]) => re.test("import { readFile } from 'node:fs';"))).toBe(true);
    expect(FORBIDDEN.some(([re]) => re.test('const t = Date.now();'))).toBe(true);
  });
});
