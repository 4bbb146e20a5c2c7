import { ackLine, neutraliseCell } from '../../../src/validate/ack-rows';

describe('acknowledgement rows', () => {
  it('neutralises cells that a spreadsheet would run as a formula', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)']) expect(neutraliseCell(s)).toBe(`'${s}`);
    expect(neutraliseCell('shares "1500" is not ...')).toBe('shares "1500" is not ...');
  });
  it('quotes as CSV needs, LF line end, a well-formed ref echoed as given', () => {
    expect(ackLine({ line: 2, instruction_ref: '-R1', status: 'REJECTED', reason_code: 'X', detail: 'a, "b"' })).toBe('2,-R1,REJECTED,X,"a, ""b"""\n');
    expect(ackLine({ line: 2, instruction_ref: '=cmd', status: 'REJECTED', reason_code: 'REF_INVALID', detail: '=x' })).toBe("2,'=cmd,REJECTED,REF_INVALID,'=x\n");
  });
});

describe('ackLines without a CSV library (issue 9)', () => {
  it('writes the bytes csv-stringify writes, row for row', async () => {
    const fc = (await import('fast-check')).default;
    const { ackLine, ackLines } = await import('../../../src/validate/ack-rows');
    const text = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', '=', '+', '-', '@', '\t', ' ', '中', '1') });
    fc.assert(fc.property(fc.array(fc.record({ line: fc.nat(), instruction_ref: text, status: fc.constantFrom('ACCEPTED' as const, 'REJECTED' as const), reason_code: text, detail: text }), { maxLength: 6 }), (rows) => {
      expect(ackLines(rows)).toBe(rows.map(ackLine).join(''));
    }), { numRuns: 500 });
  });

  it('the accepted row written directly is the row csv-stringify writes (refs well-formed or not)', async () => {
    const fc = (await import('fast-check')).default;
    const { ackLine, ackLines } = await import('../../../src/validate/ack-rows');
    const ref = fc.string({ unit: fc.constantFrom('A', 'z', '0', '9', '-', '=', ',', '"', ' '), maxLength: 34 });
    const accepted = fc.record({ line: fc.nat(), instruction_ref: ref, status: fc.constant('ACCEPTED' as const), reason_code: fc.constantFrom('', 'X'), detail: fc.constantFrom('', '-x') });
    fc.assert(fc.property(fc.array(accepted, { maxLength: 6 }), (rows) => {
      expect(ackLines(rows)).toBe(rows.map(ackLine).join(''));
    }), { numRuns: 500 });
    expect(ackLines([{ line: 7, instruction_ref: 'R-1', status: 'ACCEPTED', reason_code: '', detail: '' }])).toBe('7,R-1,ACCEPTED,,\n');
  });
});
