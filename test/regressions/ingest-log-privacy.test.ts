/**
 * No log line may carry a full identity number (spec: identity documents; docs/formats-input.md,
 * "Command"). Every applicant and joint applicant number of the input is looked for in the pino
 * log, as written and normalised (no spaces or brackets, upper case).
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { parseCsvLine } from '../../src/ingest/csv-line';
import { dLine, fileText, hkid, hLine } from '../unit/validate/fixture';

const ROOT = path.join(__dirname, '../..');

function identityNumbers(inbox: string): Set<string> {
  const ids = new Set<string>();
  for (const folder of readdirSync(inbox)) {
    for (const name of readdirSync(path.join(inbox, folder))) {
      for (const line of readFileSync(path.join(inbox, folder, name), 'utf8').split(/\r?\n/)) {
        if (!line.startsWith('D,')) continue;
        let f: string[];
        try { f = parseCsvLine(line); } catch { continue; }
        const numbers = [f[4] ?? '', ...(f[6] ?? '').split(';').map((e) => e.slice(e.indexOf(':') + 1))];
        for (const n of numbers) {
          if (n.length < 5) continue;
          ids.add(n);
          ids.add(n.replace(/[\s()]/g, '').toUpperCase());
        }
      }
    }
  }
  return ids;
}

describe('ingest logs never contain a full identity number', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(path.join(tmpdir(), 'log-privacy-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('holds for the samples plus rejected records with joint applicants, to a --log file', async () => {
    const inbox = path.join(tmp, 'inbox');
    cpSync(path.join(ROOT, 'samples/inbox'), inbox, { recursive: true });
    const extra = [
      dLine({ ref: 'P1', id: hkid('Z', '654321'), joint: `HKID:${hkid('Y', '111222')};PASSPORT:E99887766` }),
      dLine({ ref: 'P2', id: 'Z654321(0)', input_time: '2021-12-23T12:00:01' }),
      dLine({ ref: 'P3', id_type: 'BR', id: '87654321' }) + ',',
    ];
    writeFileSync(path.join(inbox, 'BRK001', 'privacy.csv'), fileText(extra, hLine('BRK001', 'CLEARING', '77')));
    const ids = identityNumbers(inbox);
    expect(ids.size).toBeGreaterThan(20);
    const log = path.join(tmp, 'ingest.log');
    let stderr = '';
    const code = await main(['node', 'ccass-batch', 'ingest', '--offering', path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json'), '--participants', path.join(ROOT, 'samples/participants.csv'), '--inbox', inbox, '--work', path.join(tmp, 'work'), '--log', log], { stdout: () => undefined, stderr: (t) => { stderr += t; } });
    expect(code).toBe(0);
    expect(stderr).toContain('BRK001/privacy.csv: 3 records, 1 accepted, 2 rejected\n');
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const raw of lines) {
      JSON.parse(raw);
      // The clock and file hashes are digits too: leave them out so a BR/CI number cannot match by chance.
      const line = raw.replace(/"time":\d+/, '').replace(/[0-9a-f]{64}/g, '');
      for (const id of ids) expect({ line, contains: line.includes(id) ? id : null }).toEqual({ line, contains: null });
    }
    for (const id of ids) expect(stderr.includes(id) ? id : null).toBeNull();
  });
});
