import { InvariantError } from '../../../src/domain/errors';
import { centsText } from '../../../src/publish/results-index';
import { indexOf, REFUNDS_HEADER, RESULTS_HEADER } from './index-fixture';

const RESULTS = `${RESULTS_HEADER}
BRK001,B1-0001,CLEARING,HKID:A1234563,,1000,0,REJECTED,MULTIPLE_APPLICATION
BRK001,B1-0002,CLEARING,HKID:B2345671,A,2000,2000,ALLOTTED,
BRK001,B1-0002,CLEARING,HKID:N4680241,,1000,0,REJECTED,REF_REUSED
BRK001,B1-0009,CLEARING,HKID:F678901A;HKID:G7890124;PASSPORT:P7654321,A,100000,100000,ALLOTTED,
BRK002,K-11,CLEARING,HKID:E9999993,,4000,0,REJECTED,AMOUNT_INVALID
BRK002,K-7,CLEARING,HKID:A5555550,B,5000000,3000000,ALLOTTED,
INV002,J-001,INVESTOR,HKID:E343434A;HKID:A1234563,,3000,0,REJECTED,MULTIPLE_APPLICATION
INV002,J-002,INVESTOR,HKID:F3535351,,"1,500",0,REJECTED,QUANTITY_NOT_PERMITTED
WFE001,W000009,WHITE_FORM,HKID:W5050505,A,2000,0,UNSUCCESSFUL,
`;
const REFUNDS = `${REFUNDS_HEADER}
R00000001,BRK001,B1-0001,CLEARING,DIRECT_CREDIT,004-001-000123456,Harbour Securities Limited,4030.21,REJECTED
R00000002,BRK001,B1-0002,CLEARING,DIRECT_CREDIT,004-001-000123456,Harbour Securities Limited,282.82,PRICE_ADJUSTMENT
R00000003,BRK001,B1-0002,CLEARING,DIRECT_CREDIT,004-001-000123456,Harbour Securities Limited,4030.21,REJECTED
R00000004,BRK001,B1-0009,CLEARING,DIRECT_CREDIT,004-001-000123456,Harbour Securities Limited,14141.07,PRICE_ADJUSTMENT
R00000005,BRK002,K-7,CLEARING,DIRECT_CREDIT,012-345-678901234,"Kowloon Brokerage Co., Ltd.",8061012.30,PARTIAL
R00000006,INV002,J-001,INVESTOR,DIRECT_CREDIT,009-321-987654321,陳小明,12090.62,REJECTED
R00000007,INV002,J-002,INVESTOR,DIRECT_CREDIT,009-321-987654321,陳小明,6045.31,REJECTED
R00000008,WFE001,W000009,WHITE_FORM,CHEQUE,,KWONG Lok Yi,8060.42,UNSUCCESSFUL
`;

describe('results index', () => {
  const index = indexOf(RESULTS, REFUNDS, [['BRK002', 'K-11']]);

  it('counts applications and distinct documents', () => {
    expect(index.applications).toBe(9);
    // A1234563 appears twice (first applicant once, joint once): 11 documents, 10 distinct.
    expect(index.identities).toBe(11);
  });

  it('finds a sole applicant allotted in part with the refund of refunds.csv, to the cent', () => {
    expect(index.lookup('HKID:A5555550')).toEqual([{
      row: 5, participant_id: 'BRK002', channel: 'CLEARING', pool: 'B', shares_applied: '5000000', shares_allotted: 3000000,
      status: 'ALLOTTED', reason_code: null, applicants: 1, applicant_position: 0,
      refund: { kind: 'PAID', amount: '8061012.30', method: 'DIRECT_CREDIT', reason: 'PARTIAL' },
    }]);
  });

  it('finds every application of a document, first or joint applicant, in the results order', () => {
    const found = index.lookup('HKID:A1234563');
    expect(found.map((a) => [a.participant_id, a.channel, a.applicant_position, a.applicants, a.refund])).toEqual([
      ['BRK001', 'CLEARING', 0, 1, { kind: 'PAID', amount: '4030.21', method: 'DIRECT_CREDIT', reason: 'REJECTED' }],
      ['INV002', 'INVESTOR', 1, 2, { kind: 'PAID', amount: '12090.62', method: 'DIRECT_CREDIT', reason: 'REJECTED' }],
    ]);
  });

  it('finds a joint application by each of its three documents', () => {
    for (const [key, position] of [['HKID:F678901A', 0], ['HKID:G7890124', 1], ['PASSPORT:P7654321', 2]] as const) {
      const [a, ...rest] = index.lookup(key);
      expect(rest).toEqual([]);
      expect([a!.row, a!.applicants, a!.applicant_position, a!.shares_allotted]).toEqual([3, 3, position, 100000]);
    }
  });

  it('gives each row of a reused reference its own refund', () => {
    expect(index.lookup('HKID:B2345671')[0]!.refund).toEqual({ kind: 'PAID', amount: '282.82', method: 'DIRECT_CREDIT', reason: 'PRICE_ADJUSTMENT' });
    expect(index.lookup('HKID:N4680241')[0]!.refund).toEqual({ kind: 'PAID', amount: '4030.21', method: 'DIRECT_CREDIT', reason: 'REJECTED' });
  });

  it('marks a manual refund of summary.json, keeps a rejected quantity as given, and an unsuccessful cheque', () => {
    expect(index.lookup('HKID:E9999993')[0]!.refund).toEqual({ kind: 'MANUAL' });
    expect(index.lookup('HKID:F3535351')[0]!.shares_applied).toBe('1,500');
    expect(index.lookup('HKID:W5050505')[0]!).toMatchObject({ status: 'UNSUCCESSFUL', shares_allotted: 0, refund: { kind: 'PAID', amount: '8060.42', method: 'CHEQUE', reason: 'UNSUCCESSFUL' } });
  });

  it('finds nothing for an unknown document, another type of a known number, or a part of one', () => {
    expect(index.lookup('HKID:Z3333338')).toEqual([]);
    expect(index.lookup('PASSPORT:A1234563')).toEqual([]);
    expect(index.lookup('HKID:A123456')).toEqual([]);
  });

  it('lists every document with its applications', () => {
    const keys = [...index.entries()].map((e) => `${e.key}=${e.applications.map((a) => a.row).join('+')}`);
    expect(keys).toEqual([
      'HKID:A1234563=0+6', 'HKID:B2345671=1', 'HKID:N4680241=2', 'HKID:F678901A=3', 'HKID:G7890124=3', 'PASSPORT:P7654321=3',
      'HKID:E9999993=4', 'HKID:A5555550=5', 'HKID:E343434A=6', 'HKID:F3535351=7', 'HKID:W5050505=8',
    ]);
  });

  it('writes cents back as money exactly', () => {
    expect([centsText(0), centsText(5), centsText(403021), centsText(30226554225), centsText(9007199254740991)]).toEqual(['0.00', '0.05', '4030.21', '302265542.25', '90071992547409.91']);
  });
});

describe('results index: refunds.csv read by column name', () => {
  const results = `${RESULTS_HEADER}
BRK001,B1-0002,CLEARING,HKID:B2345671,A,2000,2000,ALLOTTED,
BRK001,B1-0002,CLEARING,HKID:N4680241,,1000,0,REJECTED,REF_REUSED
BRK001,B1-0002,CLEARING,HKID:C345678A,,1000,0,REJECTED,REF_REUSED
BRK002,K-11,CLEARING,HKID:E9999993,,4000,0,REJECTED,AMOUNT_INVALID
`;

  it('uses trailing file_seq and line to place the refunds of a reused reference exactly, and MANUAL rows', () => {
    // Treasury's ledger (issue 12): more columns, rows in another order, a MANUAL row with no amount.
    const refunds = `${REFUNDS_HEADER},file_seq,line,currency,value_date
M00000001,BRK002,K-11,CLEARING,MANUAL,,,,AMOUNT_INVALID,1,12,HKD,2021-12-29
R00000003,BRK001,B1-0002,CLEARING,DIRECT_CREDIT,x,y,4030.21,REJECTED,2,7,HKD,2021-12-29
R00000002,BRK001,B1-0002,CLEARING,DIRECT_CREDIT,x,y,3000.00,REJECTED,2,3,HKD,2021-12-29
`;
    const index = indexOf(results, refunds, [['BRK002', 'K-11']]);
    expect(index.lookup('HKID:B2345671')[0]!.refund).toEqual({ kind: 'NONE' });
    expect(index.lookup('HKID:N4680241')[0]!.refund).toMatchObject({ kind: 'PAID', amount: '3000.00' });
    expect(index.lookup('HKID:C345678A')[0]!.refund).toMatchObject({ kind: 'PAID', amount: '4030.21' });
    expect(index.lookup('HKID:E9999993')[0]!.refund).toEqual({ kind: 'MANUAL' });
  });

  it('says UNDETERMINED where the files cannot tell two rejected rows\' refunds apart', () => {
    const refunds = `${REFUNDS_HEADER}
R00000001,BRK001,B1-0002,CLEARING,DIRECT_CREDIT,x,y,4030.21,REJECTED
`;
    const index = indexOf(results, refunds);
    expect(index.lookup('HKID:B2345671')[0]!.refund).toEqual({ kind: 'NONE' });
    expect(index.lookup('HKID:N4680241')[0]!.refund).toEqual({ kind: 'UNDETERMINED' });
    expect(index.lookup('HKID:C345678A')[0]!.refund).toEqual({ kind: 'UNDETERMINED' });
  });
});

describe('results index: files that disagree are refused', () => {
  const ok = `${RESULTS_HEADER}\nBRK001,B1-0001,CLEARING,HKID:A1234563,A,1000,1000,ALLOTTED,\n`;
  const refund = (line: string) => `${REFUNDS_HEADER}\n${line}\n`;
  const cases: [string, () => unknown, RegExp][] = [
    ['a missing column', () => indexOf('participant_id,instruction_ref\nBRK001,B1\n', refund('')), /results.csv: no column channel/],
    ['a refund without its application', () => indexOf(ok, refund('R1,BRK001,B1-0099,CLEARING,DIRECT_CREDIT,,,1.00,REJECTED')), /refunds.csv line 2: no application BRK001 B1-0099/],
    ['a refund whose reason does not fit the status', () => indexOf(ok, refund('R1,BRK001,B1-0001,CLEARING,DIRECT_CREDIT,,,1.00,REJECTED')), /a REJECTED refund for an application whose status is ALLOTTED/],
    ['a second refund for one application', () => indexOf(ok, `${REFUNDS_HEADER}\nR1,BRK001,B1-0001,CLEARING,DIRECT_CREDIT,,,1.00,PARTIAL\nR2,BRK001,B1-0001,CLEARING,DIRECT_CREDIT,,,1.00,PARTIAL\n`), /line 3: a second refund/],
    ['an amount that is not money', () => indexOf(ok, refund('R1,BRK001,B1-0001,CLEARING,DIRECT_CREDIT,,,1.5,PARTIAL')), /amount "1.5" is not money/],
    ['rows out of the results order', () => indexOf(`${RESULTS_HEADER}\nA,1,CLEARING,,,1000,0,REJECTED,X\nB,1,CLEARING,,,1000,0,REJECTED,X\nA,1,CLEARING,,,1000,0,REJECTED,X\n`, refund('')), /line 4: not in the results order/],
    ['shares allotted that are not a whole number', () => indexOf(`${RESULTS_HEADER}\nA,1,CLEARING,,,1000,1e3,ALLOTTED,\n`, refund('')), /shares_allotted "1e3"/],
    ['a manual refund of an unknown application', () => indexOf(ok, `${REFUNDS_HEADER}\n`, [['BRK009', 'Z']]), /manual_refunds: no application BRK009 Z/],
  ];
  it.each(cases)('%s', (_name, build, message) => {
    expect(build).toThrow(InvariantError);
    expect(build).toThrow(message);
  });
});
