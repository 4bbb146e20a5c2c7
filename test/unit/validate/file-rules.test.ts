/** Every file-level reason code (except BOOK_CLOSED and DUPLICATE_FILE: see test/ingest-pipeline.test.ts). */
import { dLine, fileCode, fileText, hLine, tLine } from './fixture';

const D1 = dLine();
const ok = (lines: string[]) => lines.join('\n') + '\n';

describe('file rules: one code each, with the line at fault', () => {
  const cases: [string, string | Uint8Array, { code: string; line: number }, object?][] = [
    ['FILE_NOT_UTF8', Buffer.concat([Buffer.from(`${hLine()}\n`), Buffer.from('D,R1,2021-12-21T10:00:00,HKID,A1234563,Jos\xe9,,1000,4030.21,A,,\n', 'latin1'), Buffer.from(`${tLine([D1])}\n`)]), { code: 'FILE_NOT_UTF8', line: 2 }],
    ['FILE_NOT_CSV', ok([hLine(), 'D,"R1,2021-12-21T10:00:00', D1, tLine([D1, D1])]), { code: 'FILE_NOT_CSV', line: 2 }],
    ['FILE_EMPTY', '', { code: 'FILE_EMPTY', line: 0 }, { closeLists: true }],
    ['FILE_INCOMPLETE', ok([hLine(), D1]), { code: 'FILE_INCOMPLETE', line: 0 }, { closeLists: true }],
    ['RECORD_TYPE_UNKNOWN', ok([hLine(), 'X,1,2', D1, tLine([D1])]), { code: 'RECORD_TYPE_UNKNOWN', line: 2 }],
    ['HEADER_MISSING', ok([D1, tLine([D1])]), { code: 'HEADER_MISSING', line: 1 }],
    ['HEADER_MALFORMED', ok([hLine('BRK001', 'CLEARING', '0'), D1, tLine([D1])]), { code: 'HEADER_MALFORMED', line: 1 }],
    ['HEADER_REPEATED', ok([hLine(), D1, hLine(), tLine([D1])]), { code: 'HEADER_REPEATED', line: 3 }],
    ['TRAILER_MALFORMED', ok([hLine(), D1, 'T,1,1000,abc']), { code: 'TRAILER_MALFORMED', line: 3 }],
    ['TRAILER_NOT_LAST', ok([hLine(), D1, tLine([D1]), D1]), { code: 'TRAILER_NOT_LAST', line: 4 }],
    ['TRAILER_COUNT_MISMATCH', ok([hLine(), D1, 'T,2,1000,4030.21']), { code: 'TRAILER_COUNT_MISMATCH', line: 3 }],
    ['TRAILER_SHARES_MISMATCH', ok([hLine(), D1, 'T,1,2000,4030.21']), { code: 'TRAILER_SHARES_MISMATCH', line: 3 }],
    ['TRAILER_AMOUNT_MISMATCH', ok([hLine(), D1, 'T,1,1000,4030.20']), { code: 'TRAILER_AMOUNT_MISMATCH', line: 3 }],
    ['STOCK_CODE_MISMATCH', fileText([D1], hLine('BRK001', 'CLEARING', '1', '0700')), { code: 'STOCK_CODE_MISMATCH', line: 1 }],
    ['PARTICIPANT_FOLDER_MISMATCH', fileText([D1], hLine('BRK002')), { code: 'PARTICIPANT_FOLDER_MISMATCH', line: 1 }],
    ['PARTICIPANT_UNKNOWN', fileText([D1], hLine('ZZZ999')), { code: 'PARTICIPANT_UNKNOWN', line: 1 }, { folder: 'ZZZ999' }],
    ['PARTICIPANT_SUSPENDED', fileText([D1], hLine('BRK009')), { code: 'PARTICIPANT_SUSPENDED', line: 1 }, { folder: 'BRK009' }],
    ['PARTICIPANT_TYPE_MISMATCH', fileText([D1], hLine('BRK001', 'CUSTODIAN')), { code: 'PARTICIPANT_TYPE_MISMATCH', line: 1 }],
    ['FILE_SEQ_REPLAYED', fileText([D1]), { code: 'FILE_SEQ_REPLAYED', line: 1 }, { fileSeqAccepted: (s: number) => s === 1 }],
  ];
  it.each(cases)('%s', async (...row) => {
    const [, text, expected, opts] = row;
    expect(await fileCode(text, opts ?? {})).toEqual(expected);
  });

  it('a file without a trailer is incomplete (left waiting) until the lists close', async () => {
    expect(await fileCode(ok([hLine(), D1]))).toBe('incomplete');
    expect(await fileCode('')).toBe('incomplete');
  });

  it('accepts a good file', async () => {
    expect(await fileCode(fileText([D1]))).toBe('accepted');
  });
});

describe('file rules: precedence', () => {
  it('encoding beats an earlier structure fault', async () => {
    const bytes = Buffer.concat([Buffer.from(`X,1\n${hLine()}\n`), Buffer.from('D,\xff\n', 'latin1'), Buffer.from('T,0,0,0.00\n')]);
    expect(await fileCode(bytes)).toEqual({ code: 'FILE_NOT_UTF8', line: 3 });
  });
  it('participant beats stock code, stock code beats replay, replay beats totals', async () => {
    expect(await fileCode(ok([hLine('BRK002', 'CLEARING', '1', '0700'), D1, 'T,9,0,0.00']))).toEqual({ code: 'PARTICIPANT_FOLDER_MISMATCH', line: 1 });
    expect(await fileCode(ok([hLine('BRK001', 'CLEARING', '1', '0700'), D1, 'T,9,0,0.00']), { fileSeqAccepted: () => true })).toEqual({ code: 'STOCK_CODE_MISMATCH', line: 1 });
    expect(await fileCode(ok([hLine(), D1, 'T,9,0,0.00']), { fileSeqAccepted: () => true })).toEqual({ code: 'FILE_SEQ_REPLAYED', line: 1 });
  });
  it('a D record with the wrong field count is a record rejection, not a file one', async () => {
    const bad = 'D,R9,2021-12-21T10:00:00,HKID';
    const { runFile } = await import('./fixture');
    const r = await runFile(ok([hLine(), dLine(), bad, dLine({ ref: 'R2' }), 'T,3,2000,8060.42']));
    expect(r.verdict.kind).toBe('accepted');
    expect(r.details.map((d) => [d.line, d.rejection?.code ?? null])).toEqual([[2, null], [3, 'FIELD_COUNT'], [4, null]]);
    expect(r.details[1]!.fields.instruction_ref).toBe('R9');
  });
});
