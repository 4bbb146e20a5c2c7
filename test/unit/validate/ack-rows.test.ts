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
