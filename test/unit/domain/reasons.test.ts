/**
 * The catalogue is covered and documented: every code has a test that triggers it (a test file
 * under test/ that names it as a string literal next to an assertion), and docs/reasons.md is the
 * generated text. Regenerate with `UPDATE_GOLDEN=1 npx jest test/unit/domain/reasons`.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REASONS, rejection, ReasonCode } from '../../../src/domain/reasons';
import { renderReasonsDoc } from '../../../scripts/gen-reasons-doc';

const ROOT = path.join(__dirname, '../../..');
const DOC = path.join(ROOT, 'docs/reasons.md');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? testFiles(p) : p.endsWith('.test.ts') && p !== __filename ? [p] : [];
  });
}

describe('reason catalogue', () => {
  const corpus = testFiles(path.join(ROOT, 'test')).map((f) => readFileSync(f, 'utf8')).join('\n');

  it.each(REASONS.map((r) => r.code))('%s has a test that triggers it', (code) => {
    expect(corpus).toMatch(new RegExp(`['"\`]${code}['"\`]`));
  });

  it('renders a detail for every entry', () => {
    for (const r of REASONS) {
      const d = rejection(r.code as ReasonCode, 3, { field: 'f', value: 'v' });
      expect(d).toEqual({ code: r.code, line: 3, field: 'f', detail: expect.stringContaining(r.predicate) });
    }
  });

  it('docs/reasons.md is up to date', () => {
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(DOC, renderReasonsDoc());
    expect(readFileSync(DOC, 'utf8')).toBe(renderReasonsDoc());
  });
});
