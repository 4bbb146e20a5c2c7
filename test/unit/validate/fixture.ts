/**
 * Builders for instruction files and a pure run of ingest + validate over them (no file system
 * beyond reading the sample offering), as the pipeline composes them.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseOffering } from '../../../src/offering/load-offering';
import { parseParticipants } from '../../../src/io/config-files';
import { amountPayableText } from '../../../src/money/amount-payable';
import { hkidCheckDigit } from '../../../src/validate/hkid';
import { parseInstructionFile, FileShape } from '../../../src/ingest/parse-file';
import { createDetailContext, DetailContext, DetailVerdict, validateDetail } from '../../../src/validate/detail-rules';
import { FileVerdict, judgeFile, participantRule } from '../../../src/validate/file-rules';
import type { Offering } from '../../../src/offering/schema';
import { Decimal } from '../../../src/money/money';
import { parseCsvLine } from '../../../src/ingest/csv-line';

const ROOT = path.join(__dirname, '../../..');
export const offering: Offering = parseOffering(readFileSync(path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json'), 'utf8'));
export const participants = parseParticipants(readFileSync(path.join(ROOT, 'samples/participants.csv'), 'utf8'));

export const pay = (shares: number) => amountPayableText(shares, offering.price.maximum, offering.fees);
export const hkid = (letters: string, digits: string) => `${letters}${digits}(${hkidCheckDigit(letters, digits)})`;

export interface DetailSpec {
  ref: string;
  input_time: string;
  id_type: string;
  id: string;
  name: string;
  joint: string;
  shares: string;
  amount: string;
  stock: string;
  refund: string;
  payment: string;
}

const q = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** A valid CLEARING D line, with overrides. */
export function dLine(o: Partial<DetailSpec> = {}, channel: 'CCASS' | 'WHITE_FORM' = 'CCASS'): string {
  const shares = o.shares ?? '1000';
  const d: DetailSpec = {
    ref: 'R1', input_time: '2021-12-21T10:00:00', id_type: 'HKID', id: hkid('A', '123456'), name: 'CHAN Tai Man', joint: '',
    shares, amount: /^\d+$/.test(shares) && offering.permitted_quantities.includes(Number(shares)) ? pay(Number(shares)) : pay(1000),
    stock: channel === 'CCASS' ? 'ACC-1' : '', refund: '', payment: channel === 'WHITE_FORM' ? '2021-12-21T10:01:00' : '',
    ...o,
  };
  return ['D', d.ref, d.input_time, d.id_type, d.id, d.name, d.joint, d.shares, d.amount, d.stock, d.refund, d.payment].map(q).join(',');
}

export function hLine(participant = 'BRK001', type = 'CLEARING', seq = '1', stock = '0020'): string {
  return `H,1,${stock},${participant},${type},${seq},2021-12-23T13:00:00+08:00`;
}

/** A trailer computed over D lines (shares field 8, amount field 9), summed as the sender would. */
export function tLine(details: string[]): string {
  let shares = 0n;
  let amount = new Decimal(0);
  for (const d of details) {
    const f = parseCsvLine(d);
    if (/^\d+$/.test(f[7] ?? '')) shares += BigInt(f[7]!);
    if (/^-?\d+(\.\d+)?$/.test(f[8] ?? '')) amount = amount.plus(f[8]!);
  }
  return `T,${details.length},${shares},${amount.toFixed(2)}`;
}

export function fileText(details: string[], header = hLine(), eol = '\n'): string {
  return [header, ...details, tLine(details)].join(eol) + eol;
}

export async function* chunksOf(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface RunOptions {
  folder?: string;
  closeLists?: boolean;
  fileSeqAccepted?: (seq: number) => boolean;
  refsBefore?: ReadonlySet<string>;
  chunkSize?: number;
  offering?: Offering;
}

export interface RunResult {
  verdict: FileVerdict;
  details: DetailVerdict[];
  shape: FileShape;
}

/** Ingest + validate one file's bytes, purely (what pipeline/ingest-file.ts does around the store). */
export async function runFile(input: string | Uint8Array, o: RunOptions = {}): Promise<RunResult> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const folder = o.folder ?? 'BRK001';
  const off = o.offering ?? offering;
  let ctx: DetailContext | null = null;
  const details: DetailVerdict[] = [];
  let result: RunResult | null = null;
  for await (const ev of parseInstructionFile(chunksOf(bytes, o.chunkSize))) {
    if (ev.kind === 'header') {
      const who = participantRule(ev.header, folder, participants);
      if (who.ok) ctx = createDetailContext(off, who.participant.participant_type, (r) => o.refsBefore?.has(r) ?? false);
    } else if (ev.kind === 'end') {
      const verdict = judgeFile(ev.shape, { folder, offering: off, participants, fileSeqAccepted: o.fileSeqAccepted ?? (() => false), closeLists: o.closeLists ?? false });
      result = { verdict, details, shape: ev.shape };
    } else if (ctx) details.push(validateDetail(ev, ctx));
  }
  return result!;
}

/** The single record's rejection `{code, line, field}` (or null) of a one-D-record file. */
export async function recordCode(d: string, o: RunOptions & { header?: string } = {}) {
  const folder = o.folder ?? (o.header ? o.header.split(',')[3] : undefined);
  const r = await runFile(fileText([d], o.header), folder ? { ...o, folder } : o);
  if (r.verdict.kind !== 'accepted') throw new Error(`file not accepted: ${JSON.stringify(r.verdict)}`);
  const rej = r.details[0]!.rejection;
  return rej ? { code: rej.code, line: rej.line, field: rej.field } : null;
}

/** The file verdict's `{code, line}`. */
export async function fileCode(text: string | Uint8Array, o: RunOptions = {}) {
  const r = await runFile(text, o);
  return r.verdict.kind === 'rejected' ? { code: r.verdict.rejection.code, line: r.verdict.rejection.line } : r.verdict.kind;
}
