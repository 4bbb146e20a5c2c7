/**
 * Generates docs/reasons.md from the catalogue in src/domain/reasons.ts. The test
 * test/unit/domain/reasons.test.ts fails when the committed file is out of date.
 *
 * Run: npx tsc --outDir .tmp/scripts --module commonjs --target es2022 --esModuleInterop \
 *        --resolveJsonModule --skipLibCheck scripts/gen-reasons-doc.ts && node .tmp/scripts/scripts/gen-reasons-doc.js
 * (or: UPDATE_GOLDEN=1 npx jest test/unit/domain/reasons)
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REASONS, ReasonLevel } from '../src/domain/reasons';

const LEVELS: [ReasonLevel, string][] = [
  ['FILE', 'Whole file (acknowledged with a single FILE_REJECTED row, or DUPLICATE_FILE)'],
  ['RECORD', 'One instruction (a REJECTED row; the rest of the file goes on)'],
  ['ALLOCATION', 'At allocation'],
];

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderReasonsDoc(): string {
  const out = [
    '# Reason codes',
    '',
    'Generated from `src/domain/reasons.ts` by `scripts/gen-reasons-doc.ts`; do not edit by hand.',
    'Codes are stable: once published, never renamed. An acknowledgement detail reads',
    '`<field> "<value>" <predicate> (<extra>)`, identity numbers masked.',
    '',
  ];
  for (const [level, title] of LEVELS) {
    out.push(`## ${title}`, '', '| code | spec clause | the field or file ... | example |', '|---|---|---|---|');
    for (const r of REASONS.filter((e) => e.level === level)) out.push(`| \`${r.code}\` | ${cell(r.clause)} | ${cell(r.predicate)} | ${cell(r.example)} |`);
    out.push('');
  }
  return out.join('\n');
}

export const REASONS_DOC = path.join(__dirname, '..', 'docs', 'reasons.md').replace(/\.tmp\/scripts\/docs/, 'docs');

if (require.main === module) {
  writeFileSync(REASONS_DOC, renderReasonsDoc());
  process.stdout.write(`wrote ${REASONS_DOC}\n`);
}
