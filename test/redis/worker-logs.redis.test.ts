/**
 * The workers' logs (issue 7, item 8): pino JSON, one line per file judged carrying the job id,
 * the queue, the participant and the file's hash; and never a full identity number, in any log
 * of the distributed run (watcher, workers, close), including files with joint applicants and
 * rejected records.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseCsvLine } from '../../src/ingest/csv-line';
import { dLine, fileText, hkid, hLine } from '../unit/validate/fixture';
import { ackCount, cluster, dropPrefix, freshBook, killAll, logLines, ROOT, until, cleanTemps } from './harness';

jest.setTimeout(120_000);
afterEach(killAll);
afterAll(cleanTemps);

function identityNumbers(inbox: string): Set<string> {
  const ids = new Set<string>();
  for (const folder of readdirSync(inbox)) {
    for (const name of readdirSync(path.join(inbox, folder))) {
      for (const line of readFileSync(path.join(inbox, folder, name), 'utf8').split(/\r?\n/)) {
        if (!line.startsWith('D,')) continue;
        let f: string[];
        try { f = parseCsvLine(line); } catch { continue; }
        for (const n of [f[4] ?? '', ...(f[6] ?? '').split(';').map((e) => e.slice(e.indexOf(':') + 1))]) {
          if (n.length < 5) continue;
          ids.add(n);
          ids.add(n.replace(/[\s()]/g, '').toUpperCase());
        }
      }
    }
  }
  return ids;
}

test('one line per file with job id, queue, participant and hash; no full identity number anywhere', async () => {
  const book = freshBook('logs', path.join(ROOT, 'samples/inbox'));
  const extra = [
    dLine({ ref: 'P1', id: hkid('Z', '654321'), joint: `HKID:${hkid('Y', '111222')};PASSPORT:E99887766` }),
    dLine({ ref: 'P2', id: 'Z654321(0)', input_time: '2021-12-23T12:00:01' }),
  ];
  writeFileSync(path.join(book.inbox, 'BRK001', 'privacy.csv'), fileText(extra, hLine('BRK001', 'CLEARING', '77')));
  const ids = identityNumbers(book.inbox);
  expect(ids.size).toBeGreaterThan(20);
  const c = cluster('logs', book);
  try {
    c.startWatcher();
    c.startWorker();
    c.startWorker();
    await until('14 acks', () => ackCount(book.work) >= 14);
    expect((await c.close('3.85', 'logs')).code).toBe(0);
    await c.stopAll();
    const lines = logLines(c);
    const judged = lines.filter((l) => l.msg === 'file ingested');
    expect(judged).toHaveLength(15);
    for (const l of judged) {
      expect(l).toMatchObject({ queue: 'ingest', job_id: expect.stringMatching(/^ingest\.[A-Z0-9]+\.[0-9a-f]{64}(\.\d+)?$/), participant: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), file: expect.any(String), outcome: expect.any(String) });
      expect(String(l.job_id)).toContain(String(l.sha256));
    }
    expect(lines.filter((l) => l.queue === 'allocate' || l.queue === 'export').every((l) => typeof l.job_id === 'string')).toBe(true);
    for (const f of readdirSync(c.logs)) {
      for (const raw of readFileSync(path.join(c.logs, f), 'utf8').split('\n').filter(Boolean)) {
        const line = raw.replace(/"time":\d+/, '').replace(/[0-9a-f]{64}/g, '').replace(/[0-9a-f]{24}/g, '');
        for (const id of ids) expect({ line, contains: line.includes(id) ? id : null }).toEqual({ line, contains: null });
      }
    }
  } finally {
    await killAll();
    await dropPrefix(c.url, c.prefix);
  }
});
