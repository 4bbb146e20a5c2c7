/**
 * The floor of the benchmark (`node dist/bench/csv-floor.js INBOX`): a bare csv-parse pass over
 * the D lines of every file of an inbox, single-threaded: each file read whole, its D lines fed to
 * one csv-parse stream, every record read and dropped. No validation, nothing written. Prints the
 * number of records.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse';

async function floor(inbox: string): Promise<number> {
  let records = 0;
  for (const folder of readdirSync(inbox).sort()) {
    for (const name of readdirSync(path.join(inbox, folder)).sort()) {
      const text = readFileSync(path.join(inbox, folder, name), 'utf8');
      const details = text.split('\n').filter((line) => line.startsWith('D,')).join('\n');
      const parser = parse({ relax_column_count: true });
      const done = new Promise<void>((resolve, reject) => {
        parser.on('readable', () => {
          while (parser.read() !== null) records += 1;
        });
        parser.on('end', resolve);
        parser.on('error', reject);
      });
      parser.end(details);
      await done;
    }
  }
  return records;
}

floor(process.argv[2] ?? '').then(
  (n) => process.stdout.write(`${n}\n`),
  (e: unknown) => {
    process.stderr.write(`csv-floor: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
