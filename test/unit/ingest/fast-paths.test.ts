/**
 * Issue 9 (a faster ingest): every well-formed line of a file — D, and now H and T too — is split
 * by hand (splitWellFormedCsvLine) instead of through csv-parse, which stays as the reference
 * (parseCsvLine). The two paths must give exactly the same records and the same rejections, field
 * by field, on ordinary, quoted, odd and hostile lines; a line that is not well formed never
 * reaches either (FILE_NOT_CSV).
 */
import fc from 'fast-check';
import { isWellFormedCsvLine, parseCsvLine, splitWellFormedCsvLine } from '../../../src/ingest/csv-line';
import { parseHeaderRecord } from '../../../src/ingest/header-record';
import { parseTrailerRecord } from '../../../src/ingest/trailer-record';
import { parseInstructionFile, ParseEvent } from '../../../src/ingest/parse-file';
import { DETAIL_FIELDS } from '../../../src/ingest/record-layout';
import { parseIsoDateTime, parseIsoDateTimeGeneral } from '../../../src/ingest/iso-date-time';

const HEADERS = [
  'H,1,0020,BRK001,CLEARING,1,2021-12-20T21:00:00+08:00',
  '"H","1","0020","BRK001","CLEARING","1","2021-12-20T21:00:00+08:00"',
  'H,1,0020,BRK001,"CLEARING",01,2021-12-20T21:00:00+08:00',
  'H,1,0020,BRK001,CLEARING,1,2021-12-20T21:00:00+08:00,',
  'H,1,0020,BRK001,CLEARING,1',
  'H,2,20,brk001,BROKER,0,yesterday',
  'H,1,0020,"BRK,001",CLEARING,1,2021-12-20T21:00:00+08:00',
  'H,1,0020,"BRK""001",CLEARING,1,2021-12-20T21:00:00+08:00',
  'H,1,0020,=cmd|\' /C calc\'!A0,CLEARING,1,2021-12-20T21:00:00+08:00',
  'H,1,0020,BRK001,CLEARING,1,2021-12-20T21:00:00+08:00\r',
  'H,1,0020,\u0000BRK,CLEARING,1,2021-12-20T21:00:00+08:00',
  'H,1,0020,陳大文,CLEARING,1,2021-12-20T21:00:00+08:00',
  'H,,,,,,',
  'H',
  'H,"",""',
  '\uFEFFH,1,0020,BRK001,CLEARING,1,2021-12-20T21:00:00+08:00',
  `H,1,0020,${'A'.repeat(5000)},CLEARING,1,2021-12-20T21:00:00+08:00`,
];

const TRAILERS = [
  'T,3,7000,28211.45',
  '"T","3","7000","28211.45"',
  'T,03,7000,28211.45',
  'T,3,7000,28211.4',
  'T,3,7000',
  'T,3,7000,28211.45,',
  'T,-1,1e3,NaN',
  'T,"3","7,000","28211.45"',
  'T,"3""",7000,28211.45',
  'T,99999999999999999999999,0,0.00',
  'T,,,',
  'T, 3,7000 ,28211.45',
  'T,3,7000,28211.45\r',
];

const DETAILS = [
  'D,B1-0001,2021-12-20T09:00:00,HKID,A123456(3),CHAN Tai Man,,1000,4030.21,BRK001-0001,,',
  'D,B1-0002,2021-12-20T09:15:00,HKID,B234567(1),"WONG, Siu Ming",,2000,8060.42,BRK001-0002,,',
  'D,B1-0003,2021-12-20T10:00:00+08:00,PASSPORT,K12345678,"SMITH, John ""Jack""",,5000,20151.04,BRK001-0003,,',
  'D,B1-0007,2021-12-20T20:30:00,HKID,XA112233(6),黃志明,,10000,40302.08,BRK001-0007,,',
  'D,B1-0009,2021-12-20T13:45:00,HKID,F678901(A),HO Chun Kit,HKID:G789012(4);PASSPORT:P7654321,100000,403020.72,BRK001-0009,,',
  'D,B1-0011,2021-12-20T15:00:00,HKID,J901234(3),=SUM(A1),,7000,28211.45,,,',
  'D,a,b',
  'D,,,,,,,,,,,,,',
  'D,"",,,,,,,,,,""',
  'D,x,"",y',
];

function bothPaths(line: string): { fast: string[]; reference: string[] } {
  return { fast: splitWellFormedCsvLine(line), reference: parseCsvLine(line) };
}

describe('the hand split of well-formed lines against csv-parse', () => {
  it.each(HEADERS)('header %j: the same fields and the same record or rejection', (line) => {
    expect(isWellFormedCsvLine(line)).toBe(true);
    const { fast, reference } = bothPaths(line);
    expect(fast).toEqual(reference);
    expect(parseHeaderRecord(fast, 1)).toEqual(parseHeaderRecord(reference, 1));
  });

  it.each(TRAILERS)('trailer %j: the same fields and the same record or rejection', (line) => {
    expect(isWellFormedCsvLine(line)).toBe(true);
    const { fast, reference } = bothPaths(line);
    expect(fast).toEqual(reference);
    expect(parseTrailerRecord(fast, 9)).toEqual(parseTrailerRecord(reference, 9));
  });

  it.each(DETAILS)('detail %j: the same fields', (line) => {
    expect(isWellFormedCsvLine(line)).toBe(true);
    const { fast, reference } = bothPaths(line);
    expect(fast).toEqual(reference);
  });

  it.each(['H,1,"0020,BRK001', 'T,3,7000,"28211.45', 'T,3,"70"00",1.00', 'D,"a"b,c'])('%j is not well formed: neither path is asked', (line) => {
    expect(isWellFormedCsvLine(line)).toBe(false);
  });

  const field = fc.oneof(
    fc.constantFrom('H', 'T', '1', '0020', 'BRK001', 'CLEARING', '2021-12-20T21:00:00+08:00', '3', '7000', '28211.45', ''),
    fc.string({ unit: fc.constantFrom('a', '1', ' ', '\r', '\t', '=', '.', '-', '中', '\u0000', '\uFEFF') }),
    fc.string({ unit: fc.constantFrom('a', ',', '"', ' ', '\r', '1') }).map((s) => `"${s.replace(/"/g, '""')}"`),
  );

  it('headers and trailers of any shape: the same records and rejections by both paths', () => {
    fc.assert(fc.property(fc.constantFrom('H', 'T', '"H"', '"T"'), fc.array(field, { maxLength: 9 }), (type, rest) => {
      const line = [type, ...rest].join(',');
      if (!isWellFormedCsvLine(line)) return;
      const { fast, reference } = bothPaths(line);
      expect(fast).toEqual(reference);
      expect(parseHeaderRecord(fast, 1)).toEqual(parseHeaderRecord(reference, 1));
      expect(parseTrailerRecord(fast, 2)).toEqual(parseTrailerRecord(reference, 2));
    }), { numRuns: 3000 });
  });
});

describe('a whole file through the fast paths', () => {
  async function events(text: string): Promise<ParseEvent[]> {
    const out: ParseEvent[] = [];
    for await (const ev of parseInstructionFile([Buffer.from(text, 'utf8')])) out.push(ev);
    return out;
  }

  it('gives the header, the details and the trailer csv-parse gives', async () => {
    const lines = [HEADERS[1]!, DETAILS[0]!, DETAILS[1]!, DETAILS[2]!, 'T,3,8000,32241.67'];
    const evs = await events(lines.join('\n') + '\n');
    const header = parseHeaderRecord(parseCsvLine(lines[0]!), 1);
    expect(header.ok).toBe(true);
    expect(evs[0]).toEqual({ kind: 'header', line: 1, header: header.ok ? header.header : null });
    const details = evs.filter((e) => e.kind === 'detail');
    expect(details.map((e) => (e.kind === 'detail' ? Object.values(e.fields) : []))).toEqual(lines.slice(1, 4).map(parseCsvLine));
    // Each value under its own name (the parser builds the record as a literal, not from the list).
    for (const e of details) if (e.kind === 'detail') expect(Object.keys(e.fields)).toEqual([...DETAIL_FIELDS]);
    const end = evs[evs.length - 1]!;
    const trailer = parseTrailerRecord(parseCsvLine(lines[4]!), 5);
    expect(end.kind === 'end' && end.shape.trailer).toEqual(trailer.ok ? trailer.trailer : null);
    expect(end.kind === 'end' && end.shape.faults).toEqual({});
  });

  it('rejects a malformed quoted header and trailer exactly as csv-parse\'s fields are rejected', async () => {
    const h = 'H,1,0020,"BRK""001",CLEARING,1,2021-12-20T21:00:00+08:00';
    const t = 'T,"3""",7000,28211.45';
    const evs = await events([h, DETAILS[0]!, t].join('\n'));
    const end = evs[evs.length - 1]!;
    const hr = parseHeaderRecord(parseCsvLine(h), 1);
    const tr = parseTrailerRecord(parseCsvLine(t), 3);
    expect(hr.ok || tr.ok).toBe(false);
    expect(end.kind === 'end' && end.shape.faults).toEqual({ header: hr.ok ? null : hr.rejection, trailer: tr.ok ? null : tr.rejection });
  });
});

describe('parseIsoDateTime: the usual shape read by hand equals the regular expression', () => {
  const general = parseIsoDateTimeGeneral;
  it('on ordinary, impossible and odd times of the usual length', () => {
    const cases = [
      '2021-12-20T09:00:00', '2021-12-23T12:00:00', '2021-12-23T12:00:01', '2024-02-29T23:59:59', '2023-02-29T10:00:00',
      '2021-13-01T10:00:00', '2021-00-10T10:00:00', '2021-12-32T10:00:00', '2021-12-00T10:00:00', '2021-12-20T24:00:00',
      '2021-12-20T23:60:00', '2021-12-20T23:59:60', '2021-12-20 09:00:00', '2021-12-20t09:00:00', '2021/12/20T09:00:00',
      '2021-12-20T09-00-00', '２021-12-20T09:00:00', '2021-1a-20T09:00:00', '0000-01-01T00:00:00', '9999-12-31T23:59:59',
      '2021-12-20T09:00:0Z', '2021-12-20T09:00Z00', '2021-12-20T09:00', '2021-12-20T09:00:00Z', '2021-12-20T09:00:00+08:00',
    ];
    for (const c of cases) expect([c, parseIsoDateTime(c)]).toEqual([c, general(c)]);
    expect(parseIsoDateTime('2021-12-20T09:00:00')).toBe(Date.UTC(2021, 11, 20, 1, 0, 0) / 1000);
    expect(parseIsoDateTime('2023-02-29T10:00:00')).toBeNull();
  });
  it('on random strings of the usual shape and length', () => {
    const ch = fc.constantFrom(...'0123456789-:T /a'.split(''));
    const digit = fc.constantFrom(...'0123456789'.split(''));
    const shaped = fc.tuple(fc.array(digit, { minLength: 19, maxLength: 19 }), fc.array(fc.tuple(fc.nat(18), ch), { maxLength: 3 })).map(([ds, edits]) => {
      const t = ds.slice();
      t[4] = '-'; t[7] = '-'; t[10] = 'T'; t[13] = ':'; t[16] = ':';
      for (const [at, c] of edits) t[at] = c;
      return t.join('');
    });
    fc.assert(fc.property(shaped, (text) => parseIsoDateTime(text) === general(text)), { numRuns: 5000 });
  });
});
