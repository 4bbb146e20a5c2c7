/**
 * Ingest benchmark, run by hand (never by `npm test`):
 *   npm run build && node dist/bench/ingest-bench.js [records]
 * Generates one CLEARING file of N D records (default 200,000) in a temporary folder, runs the
 * whole ingest pipeline over it (parse, validate, store, ack, move) and prints records/s and the
 * peak resident set size.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingestInbox } from '../pipeline/ingest';
import { loadOfferingFile, loadParticipantsFile } from '../io/config-files';
import { amountPayableText } from '../money/amount-payable';
import { hkidCheckDigit } from '../validate/hkid';

const ROOT = path.join(__dirname, '..', '..');

async function bench(): Promise<void> {
  const records = Number(process.argv[2] ?? 200000);
  const offering = loadOfferingFile(path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json'));
  const participants = loadParticipantsFile(path.join(ROOT, 'samples/participants.csv'));
  const tmp = mkdtempSync(path.join(tmpdir(), 'ingest-bench-'));
  try {
    const inbox = path.join(tmp, 'inbox');
    mkdirSync(path.join(inbox, 'BRK001'), { recursive: true });
    const file = path.join(inbox, 'BRK001', 'big.csv');
    const fd = openSync(file, 'w');
    writeSync(fd, 'H,1,0020,BRK001,CLEARING,1,2021-12-23T13:00:00+08:00\n');
    const qs = offering.permitted_quantities.slice(0, 20);
    let shares = 0n;
    let cents = 0n;
    let buf = '';
    for (let i = 0; i < records; i++) {
      const q = qs[i % qs.length]!;
      const amount = amountPayableText(q, offering.price.maximum, offering.fees);
      const digits = String(100000 + (i % 899999));
      const name = i % 3 === 0 ? `"WONG, Siu ""${i}"""` : i % 3 === 1 ? '陳大文' : `CHAN Tai Man ${i}`;
      buf += `D,R${i},2021-12-21T10:00:00,HKID,A${digits}(${hkidCheckDigit('A', digits)}),${name},,${q},${amount},ACC-${i % 1000},,\n`;
      shares += BigInt(q);
      cents += BigInt(amount.replace('.', ''));
      if (buf.length > 1 << 20) { writeSync(fd, buf); buf = ''; }
    }
    const c = cents.toString().padStart(3, '0');
    writeSync(fd, `${buf}T,${records},${shares},${c.slice(0, -2)}.${c.slice(-2)}\n`);
    closeSync(fd);
    writeFileSync(path.join(tmp, '.keep'), '');
    const start = process.hrtime.bigint();
    const report = await ingestInbox({ offering, participants, inboxDir: inbox, workDir: path.join(tmp, 'work') });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const f = report.files[0]!;
    process.stdout.write(
      `${f.records} records (${f.accepted} accepted, ${f.rejected} rejected, outcome ${f.outcome}) in ${seconds.toFixed(2)} s: ` +
        `${Math.round(f.records / seconds)} records/s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

bench().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 1;
});
