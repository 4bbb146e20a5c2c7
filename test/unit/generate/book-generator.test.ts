/**
 * The generator's book, without files: the shape the spec asks for (header, trailer totals,
 * unique refs and identities, the registry), the quantity mix, and the plan's files.
 */
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { BookGenerator } from '../../../src/generate/book-generator';
import { registryCsv } from '../../../src/generate/book-report';
import { apportion, GENERATE_DEFAULTS, GenerateOptions } from '../../../src/generate/book-plan';
import { loadOfferingFile, parseParticipants } from '../../../src/io/config-files';
import { parseIsoDateTime } from '../../../src/ingest/iso-date-time';
import { readableApplicantIds } from '../../../src/validate/applicants';
import type { DetailFields } from '../../../src/ingest/record-layout';
import { DETAIL_FIELDS } from '../../../src/ingest/record-layout';

const offering = loadOfferingFile(path.join(__dirname, '../../../samples/offerings/0020-sensetime-2021.json'));

function options(over: Partial<GenerateOptions>): GenerateOptions {
  return { instructions: 1000, seed: 'unit', ...GENERATE_DEFAULTS, ...over };
}

/** Every file of the book as text and parsed CSV records, in plan order. */
function generateBook(o: GenerateOptions) {
  const g = new BookGenerator(offering, o);
  const files = g.plan.files.map((file) => {
    const text = [...g.fileChunks(file)].join('');
    return { file, text, get records() { return parse(text, { relax_column_count: true }) as string[][]; } };
  });
  return { g, files };
}

describe('BookGenerator', () => {
  const book = generateBook(options({ instructions: 6000, participantsCount: 30, recordsPerFile: 100 }));
  const g = book.g;
  const files = book.files.map(({ file, records }) => ({ file, records }));

  it('writes H, D..., T with the trailer totals of what it wrote', () => {
    for (const { file, records } of files) {
      const h = records[0]!;
      expect(h.slice(0, 6)).toEqual(['H', '1', '0020', file.participant.participant_id, file.participant.participant_type, String(file.file_seq)]);
      expect(parseIsoDateTime(h[6]!)).not.toBeNull();
      const d = records.slice(1, -1);
      expect(d.every((r) => r[0] === 'D' && r.length === 12)).toBe(true);
      const t = records[records.length - 1]!;
      const shares = d.reduce((s, r) => s + BigInt(r[7]!), 0n);
      const cents = d.reduce((s, r) => s + BigInt(r[8]!.replace('.', '')), 0n);
      expect(t).toEqual(['T', String(d.length), String(shares), `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`]);
    }
    expect(files.reduce((n, f) => n + f.records.length - 2, 0)).toBe(6000);
  });

  it('gives every participant unique refs and increasing file_seq, and every person one instruction', () => {
    const refs = new Map<string, Set<string>>();
    const ids = new Set<string>();
    let persons = 0;
    for (const { file, records } of files) {
      const pid = file.participant.participant_id;
      const seen = refs.get(pid) ?? new Set<string>();
      refs.set(pid, seen);
      expect(file.file_seq).toBe(Math.max(0, ...files.filter((f) => f.file.participant === file.participant && f.file.firstIndex < file.firstIndex).map((f) => f.file.file_seq)) + 1);
      for (const r of records.slice(1, -1)) {
        expect(seen.has(r[1]!)).toBe(false);
        seen.add(r[1]!);
        const fields = Object.fromEntries(DETAIL_FIELDS.map((n, i) => [n, r[i] ?? ''])) as DetailFields;
        for (const id of readableApplicantIds(fields)) {
          ids.add(id);
          persons += 1;
        }
      }
    }
    expect(ids.size).toBe(persons);
    expect(persons).toBeGreaterThan(6300); // joint applicants are there too
  });

  it('keeps input times in increasing order within a file, and White Form payment after input', () => {
    for (const { file, records } of files) {
      const times = records.slice(1, -1).map((r) => parseIsoDateTime(r[2]!)!);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      if (file.participant.participant_type === 'WHITE_FORM') {
        for (const r of records.slice(1, -1)) expect(parseIsoDateTime(r[11]!)!).toBeGreaterThan(parseIsoDateTime(r[2]!)!);
      }
    }
  });

  it('writes a registry of all four channels with one White Form provider, which the registry reader accepts', () => {
    const registry = parseParticipants(registryCsv(g.plan));
    const types = [...registry.values()].map((p) => p.participant_type);
    expect(registry.size).toBe(30);
    expect(types.filter((t) => t === 'WHITE_FORM')).toHaveLength(1);
    expect(new Set(types)).toEqual(new Set(['CLEARING', 'CUSTODIAN', 'INVESTOR', 'WHITE_FORM']));
    for (const p of registry.values()) expect(p.designated_bank_account).toMatch(/^[0-9]{3}-[0-9]{3}-[0-9]{6,12}$/);
  });

  it('cuts files around the average size: between half and one and a half times, the last of a participant what is left', () => {
    for (const f of g.plan.files) {
      const last = f.firstLocal + f.count === f.participant.count;
      expect(f.count).toBeLessThanOrEqual(150);
      if (!last) expect(f.count).toBeGreaterThanOrEqual(50);
    }
  });

  it('writes names with Chinese characters, commas and quotes, CSV-quoted', () => {
    const names = files.flatMap((f) => f.records.slice(1, -1).map((r) => r[5]!));
    expect(names.some((n) => /[\u4e00-\u9fff]/.test(n))).toBe(true);
    expect(names.some((n) => n.includes(','))).toBe(true);
    expect(names.some((n) => n.includes('"'))).toBe(true);
  });
});

describe('planted faults', () => {
  it('change only the planted records (and trailers): the rest is the clean book of the same seed, byte for byte', () => {
    const o = { instructions: 3000, participantsCount: 10, recordsPerFile: 200 };
    const clean = generateBook(options(o));
    const faulty = generateBook(options({ ...o, errorRate: 0.05, multipleRate: 0.05 }));
    const planted = faulty.g.tally.planted;
    const targets = faulty.g.tally.multipleTargets;
    const changed = new Set(planted.index.filter((i) => !targets.has(i)));
    const differing: number[] = [];
    clean.files.forEach(({ file, text }, f) => {
      const a = text.split('\n');
      const b = faulty.files[f]!.text.split('\n');
      expect(b.length).toBe(a.length);
      for (let line = 1; line < a.length - 2; line++) if (a[line] !== b[line]) differing.push(file.firstIndex + line - 1);
      expect(b[0]).toBe(a[0]);
    });
    expect(differing).toEqual([...changed].sort((x, y) => x - y));
    expect(changed.size).toBeGreaterThan(200);
  });
});

describe('the quantity mix', () => {
  const { g } = generateBook(options({ instructions: 40000, participantsCount: 40 }));
  const n = (k: number) => g.tally.byQuantity[k] ?? 0;
  const share = (count: number) => count / 40000;

  it('is mostly one or two board lots, with a long tail to the cap and some pool B', () => {
    expect(share(n(0))).toBeGreaterThan(0.39);
    expect(share(n(0))).toBeLessThan(0.41);
    expect(share(n(1))).toBeGreaterThan(0.14);
    expect(share(n(1))).toBeLessThan(0.16);
    const poolB = offering.permitted_quantities.reduce((s, q, k) => s + (q * 3.99 > 5_000_000 ? n(k) : 0), 0);
    expect(share(poolB)).toBeGreaterThan(0.03);
    expect(share(poolB)).toBeLessThan(0.04);
    expect(n(offering.permitted_quantities.length - 1)).toBeGreaterThan(250); // a quarter of pool B at the cap
    expect(share(g.tally.joint)).toBeGreaterThan(0.09);
    expect(share(g.tally.joint)).toBeLessThan(0.12);
  });

  it('spreads instructions over channels as documented', () => {
    expect(g.tally.byChannel).toEqual({ CLEARING: 32000, CUSTODIAN: 2000, INVESTOR: 800, WHITE_FORM: 5200 });
  });
});

describe('apportion', () => {
  it('splits exactly, the remainder to the largest fractions', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [0.8, 0.05, 0.02, 0.13])).toEqual([6, 0, 0, 1]);
    expect(apportion(0, [1, 2])).toEqual([0, 0]);
  });
});
