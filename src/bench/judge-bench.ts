/**
 * The judging thread's CPU a record, without the file system (run by hand, after `npm run build`):
 *
 *   node dist/bench/judge-bench.js INBOX [--offering FILE] [--files N] [--stage parse|rules|all] [--parts]
 *
 * The first N files of INBOX (default 500, in the run's order) are read into memory once; then,
 * six times over, each file goes through the judging thread's own steps as judge-file.ts chains
 * them (parse, the twelve rules, the stored instruction, the store's row encoded into a buffer,
 * the acknowledgement's lines), one file at a time, nothing kept. `--stage` stops after the parse
 * or the rules; `--parts` adds what a judging thread of `run` does besides: each file's part of
 * the compact book, built as its rows are written and packed to cross threads. Prints
 * microseconds a record, the fastest and the median of the last five rounds (the first warms the
 * JIT). The figures ingest's wall time cannot give on a shared machine, whose
 * file system's cost moves by more than a change in this code (docs/performance.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseInstructionFileBatches } from '../ingest/parse-file';
import { createDetailContext, DetailContext, validateDetail } from '../validate/detail-rules';
import { toStoredInstruction } from '../validate/stored-instruction';
import { encodeStoredRow } from '../io/stored-row';
import { ackLines, ackRowOf, AckRow } from '../validate/ack-rows';
import { loadOfferingFile } from '../io/config-files';
import { CompactBookBuilder } from '../allocate/compact-book';
import { compactInputOfInstruction } from '../pipeline/compact-read';
import { packPart } from '../pipeline/ingested-book';
import { resolveIngestLimits } from '../offering/ingest-limits';

const ROUNDS = 6;

function option(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<void> {
  const inbox = argv[0];
  if (!inbox || inbox.startsWith('--')) throw new Error('usage: judge-bench INBOX [--offering FILE] [--files N] [--stage parse|rules|all] [--parts]');
  const offering = loadOfferingFile(option(argv, '--offering') ?? path.join(__dirname, '..', '..', 'samples', 'offerings', '0020-sensetime-2021.json'));
  const limits = resolveIngestLimits(offering.ingest_limits);
  const stage = option(argv, '--stage') ?? 'all';
  const count = Number(option(argv, '--files') ?? '500');
  const parts = argv.includes('--parts');
  const files: Buffer[] = [];
  for (const folder of readdirSync(inbox).sort()) {
    for (const name of readdirSync(path.join(inbox, folder)).sort()) {
      if (files.length < count) files.push(readFileSync(path.join(inbox, folder, name)));
    }
  }
  const store = Buffer.allocUnsafe(16 << 20);
  const ack = Buffer.allocUnsafe(16 << 20);
  const identity = { participant_id: 'BENCH', channel: 'CLEARING' as const, file_seq: 1, file_sha256: '0'.repeat(64), file_name: 'bench.csv' };

  /** Instructions in the parts packed (read at the end, so that nothing is optimised away). */
  let packed = 0;
  const judge = async (bytes: Buffer): Promise<number> => {
    let ctx: DetailContext | null = null;
    let records = 0;
    let at = 0;
    let ackAt = 0;
    let rows: AckRow[] = [];
    let compact: CompactBookBuilder | null = null;
    for await (const batch of parseInstructionFileBatches([bytes], limits)) {
      for (const ev of batch) {
        if (ev.kind === 'header') {
          ctx = createDetailContext(offering, ev.header.participant_type, () => false);
          if (parts) {
            compact = CompactBookBuilder.growing();
            compact.addFile({ participant_id: identity.participant_id, channel: ev.header.participant_type, file_seq: ev.header.file_seq });
          }
        }
        if (ev.kind === 'header' || ev.kind === 'end' || ctx === null) continue;
        records += 1;
        if (stage === 'parse') continue;
        const v = validateDetail(ev, ctx);
        if (stage === 'rules') continue;
        const si = toStoredInstruction(v, identity);
        at += store.write(encodeStoredRow(si), at, 'utf8');
        compact?.add(0, compactInputOfInstruction(si));
        rows.push(ackRowOf(si));
        if (rows.length >= 1024) {
          ackAt += ack.write(ackLines(rows), ackAt, 'utf8');
          rows = [];
        }
      }
    }
    if (rows.length > 0) ack.write(ackLines(rows), ackAt, 'utf8');
    if (compact) packed += packPart(compact.part()).count;
    return records;
  };

  const perRecord: number[] = [];
  let records = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    records = 0;
    for (const bytes of files) records += await judge(bytes);
    if (round > 0) perRecord.push(Number(process.hrtime.bigint() - start) / 1e3 / records);
  }
  perRecord.sort((a, b) => a - b);
  const us = (x: number) => x.toFixed(2);
  process.stdout.write(`judge ${stage}${parts ? ` with parts (${packed.toLocaleString('en-US')} instructions packed)` : ''}: ${files.length} files, ${records.toLocaleString('en-US')} records a round; us a record: fastest ${us(perRecord[0]!)}, median ${us(perRecord[Math.floor(perRecord.length / 2)]!)}\n`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`judge-bench: ${(e as Error).message}\n`);
  process.exit(1);
});
