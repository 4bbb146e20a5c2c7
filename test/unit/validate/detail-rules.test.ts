/** Every record-level reason code, triggered by one D record: asserts code, line and field. */
import { dLine, hLine, hkid, pay, recordCode } from './fixture';

const WF = hLine('WFE001', 'WHITE_FORM');
const INV = hLine('INV001', 'INVESTOR');

describe('record rules: one code each (line 2 is the only D record)', () => {
  const cases: [string, string, string | undefined, { header?: string; refsBefore?: ReadonlySet<string> }?][] = [
    ['FIELD_COUNT', 'D,R1,2021-12-21T10:00:00,HKID', 'record'],
    ['REF_INVALID', dLine({ ref: 'REF 1' }), 'instruction_ref'],
    ['REF_REUSED', dLine({ ref: 'OLD-1' }), 'instruction_ref', { refsBefore: new Set(['OLD-1']) }],
    ['INPUT_TIME_INVALID', dLine({ input_time: '20/12/2021 10:00' }), 'input_time'],
    ['OUTSIDE_WINDOW', dLine({ input_time: '2021-12-20T20:31:00' }), 'input_time'],
    ['ID_TYPE_INVALID', dLine({ id_type: 'ID' }), 'applicant_id_type'],
    ['ID_INVALID', dLine({ id_type: 'BR', id: '1234567' }), 'applicant_id'],
    ['HKID_CHECK_DIGIT', dLine({ id: 'A123456(7)' }), 'applicant_id'],
    ['NAME_INVALID', dLine({ name: '' }), 'applicant_name'],
    ['JOINT_APPLICANTS_INVALID', dLine({ joint: 'HKID:A1234563;FOO:1' }), 'joint_applicants'],
    ['QUANTITY_NOT_PERMITTED', dLine({ shares: '1500' }), 'shares'],
    ['QUANTITY_OVER_CAP', dLine({ shares: '80000000' }), 'shares'],
    ['AMOUNT_INVALID', dLine({ amount: '4030.2' }), 'amount_paid'],
    ['AMOUNT_INCORRECT', dLine({ amount: '4030.20' }), 'amount_paid'],
    ['STOCK_ACCOUNT_MISSING', dLine({ stock: '' }), 'stock_account'],
    ['STOCK_ACCOUNT_INVALID', dLine({ stock: 'acct#1' }), 'stock_account'],
    ['STOCK_ACCOUNT_NOT_ALLOWED', dLine({ stock: '12345678' }, 'WHITE_FORM'), 'stock_account', { header: WF }],
    ['REFUND_ACCOUNT_INVALID', dLine({ refund: '004-12-345' }, 'WHITE_FORM'), 'refund_account', { header: WF }],
    ['REFUND_ACCOUNT_NOT_ALLOWED', dLine({ refund: '004-123-456789' }), 'refund_account'],
    ['PAYMENT_TIME_MISSING', dLine({ payment: '' }, 'WHITE_FORM'), 'payment_time', { header: WF }],
    ['PAYMENT_TIME_INVALID', dLine({ payment: 'noon' }, 'WHITE_FORM'), 'payment_time', { header: WF }],
    ['PAYMENT_TIME_NOT_ALLOWED', dLine({ payment: '2021-12-21T10:00:00' }), 'payment_time', { header: INV }],
    ['PAYMENT_LATE', dLine({ input_time: '2021-12-23T11:00:00', payment: '2021-12-23T12:00:01' }, 'WHITE_FORM'), 'payment_time', { header: WF }],
  ];
  // Rest parameters: jest would take a 4th declared parameter for a `done` callback on 3-element rows.
  it.each(cases)('%s', async (...row) => {
    const [code, line, field, opts] = row;
    expect(await recordCode(line, opts ?? {})).toEqual({ code, line: 2, field });
  });

  it('accepts a valid record on every channel', async () => {
    expect(await recordCode(dLine())).toBeNull();
    expect(await recordCode(dLine({}, 'WHITE_FORM'), { header: WF })).toBeNull();
    expect(await recordCode(dLine({ stock: 'INV-1' }), { header: INV })).toBeNull();
  });
});

describe('record rules: details and edge cases', () => {
  it('REF_REUSED within one file, on the later record', async () => {
    const { runFile, fileText } = await import('./fixture');
    const r = await runFile(fileText([dLine({ ref: 'X1' }), dLine({ ref: 'X2' }), dLine({ ref: 'X1' })]));
    expect(r.details.map((d) => d.rejection?.code ?? null)).toEqual([null, null, 'REF_REUSED']);
    expect(r.details[2]!.rejection!.line).toBe(4);
  });

  it('takes the first failing rule in the documented order', async () => {
    // Both the window and the amount are wrong: input_time (field 3) comes first.
    expect((await recordCode(dLine({ input_time: '2021-12-24T10:00:00', amount: '1.00' })))!.code).toBe('OUTSIDE_WINDOW');
    // Quantity before amount.
    expect((await recordCode(dLine({ shares: '1500', amount: 'x' })))!.code).toBe('QUANTITY_NOT_PERMITTED');
  });

  it('AMOUNT_INCORRECT details expected and got', async () => {
    const { runFile, fileText } = await import('./fixture');
    const r = await runFile(fileText([dLine({ amount: '4030.20' })]));
    expect(r.details[0]!.rejection!.detail).toContain(`expected ${pay(1000)}, got 4030.20`);
  });

  it('never shows an identity number in full', async () => {
    const { runFile, fileText } = await import('./fixture');
    const r = await runFile(fileText([dLine({ id: 'A123456(7)' }), dLine({ ref: 'R2', joint: 'HKID:B9876543' })]));
    for (const d of r.details) {
      expect(d.rejection!.detail).not.toMatch(/A123456|B987654/);
    }
  });

  it('accepts HKIDs with or without brackets, lower case and spaces, two letters, check digit A and 0', async () => {
    for (const id of ['A1234563', 'a123456(3)', 'A 123456 (3)', hkid('XA', '112233'), hkid('C', '345678'), hkid('B', '100005')]) {
      expect(await recordCode(dLine({ id }))).toBeNull();
    }
  });

  it('reads applicant_ids (normalised), shares and amount for the store', async () => {
    const { runFile, fileText } = await import('./fixture');
    const r = await runFile(fileText([dLine({ id: 'a123456(3)', joint: 'PASSPORT:e1234567;HKID:A123456(7)', amount: 'abc' })]));
    expect(r.details[0]!.applicant_ids).toEqual(['HKID:A1234563', 'PASSPORT:E1234567']);
    expect(r.details[0]!.shares).toBe(1000);
    expect(r.details[0]!.amount_paid).toBeNull();
  });
});
