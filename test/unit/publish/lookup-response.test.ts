import { parseIdentityQuery } from '../../../src/publish/identity-query';
import { answerLookup, LookupContext, NOT_FOUND_MESSAGE } from '../../../src/publish/lookup-response';
import { indexOf, REFUNDS_HEADER, RESULTS_HEADER } from './index-fixture';

const index = indexOf(`${RESULTS_HEADER}
BRK001,B1-0009,CLEARING,HKID:F678901A;HKID:G7890124,A,100000,100000,ALLOTTED,
INV002,J-001,INVESTOR,HKID:E343434A;HKID:A1234563,,3000,0,REJECTED,MULTIPLE_APPLICATION
WFE001,W000001,WHITE_FORM,HKID:M424242A,B,10000000,9041000,ALLOTTED,
WFE001,W000005,WHITE_FORM,HKID:S4646462,,90000,0,REJECTED,PAYMENT_TIME_MISSING
WFE001,W000007,WHITE_FORM,HKID:U4848486,A,50000,50000,ALLOTTED,
`, `${REFUNDS_HEADER}
R00000001,BRK001,B1-0009,CLEARING,DIRECT_CREDIT,004-001-000123456,Harbour Securities Limited,14141.07,PRICE_ADJUSTMENT
R00000002,INV002,J-001,INVESTOR,DIRECT_CREDIT,009-321-987654321,陳小明,12090.62,REJECTED
R00000003,WFE001,W000001,WHITE_FORM,E_REFUND,004-123-456789012,CHEUNG Hok Yau,5143463.60,PARTIAL
R00000004,WFE001,W000005,WHITE_FORM,CHEQUE,,CHAU Pak Kin,362718.66,REJECTED
`);

const ctx: LookupContext = {
  phase: 'OPEN',
  window: { from: 1640736000, to: 1641312000 },
  refund_dispatch: '2021-12-29',
  certificate_dispatch: '2021-12-29',
  collect_min_shares: 1000000,
};
const ask = (id_type: string, id: string, c: LookupContext = ctx) => answerLookup(parseIdentityQuery({ id_type, id }), c, (k) => index.lookup(k));

describe('GET /api/results answers', () => {
  it('200: a joint applicant sees the application, masked, with codes and words, never a name or an account', () => {
    const a = ask('HKID', 'g789012(4)');
    expect(a).toEqual({
      statusCode: 200,
      body: {
        id_type: 'HKID',
        id: 'G7*****4',
        applications: [{
          channel: 'CLEARING', participant_id: 'BRK001', applicant: 'JOINT', applicants: 2, pool: 'A',
          shares_applied: '100000', shares_allotted: 100000, status: 'ALLOTTED', reason_code: null,
          refund: { status: 'PAID', amount: '14141.07', method: 'DIRECT_CREDIT', reason: 'PRICE_ADJUSTMENT', dispatch_by: '2021-12-29' },
          shares_delivery: { delivery: 'CCASS', dispatch_by: '2021-12-29' },
          text: {
            channel: 'through a broker (CCASS Clearing Participant BRK001)',
            status: 'Successful: 100,000 shares allotted, all the shares applied for.',
            refund: 'HK$14,141.07, paid on or before Wednesday, December 29, 2021 by direct credit to the designated bank account of your broker or custodian, who credits it to you.',
            shares: '100,000 shares deposited into CCASS for credit to the stock account of your broker or custodian on or before Wednesday, December 29, 2021.',
          },
        }],
      },
    });
    const text = JSON.stringify(a.body);
    for (const secret of ['G7890124', 'F678901A', 'Harbour', '004-001-000123456']) expect(text).not.toContain(secret);
  });

  it('200: White Form partial success collects its certificate, e-Refund; a rejected cheque refund', () => {
    const [big] = ask('HKID', 'M424242(A)').body.applications as Record<string, any>[];
    expect(big!.shares_delivery).toEqual({ delivery: 'COLLECT', dispatch_by: '2021-12-29' });
    expect(big!.text.status).toBe('Partially successful: 9,041,000 of the 10,000,000 shares applied for allotted.');
    expect(big!.text.refund).toBe('HK$5,143,463.60, paid on or before Wednesday, December 29, 2021 by White Form e-Refund to the bank account you gave.');
    expect(big!.text.shares).toBe('Share certificate for 9,041,000 shares: you may collect it in person on Wednesday, December 29, 2021; otherwise it is posted to the address you gave.');
    const [small] = ask('HKID', 'U4848486').body.applications as Record<string, any>[];
    expect(small!.shares_delivery).toEqual({ delivery: 'POST', dispatch_by: '2021-12-29' });
    expect(small!.refund).toEqual({ status: 'NONE', amount: null, method: null, reason: null, dispatch_by: null });
    expect(small!.text.refund).toBe('No refund: the amount paid was the amount payable for the shares allotted.');
    const [rejected] = ask('HKID', 'S4646462').body.applications as Record<string, any>[];
    expect(rejected!.text.status).toBe('Rejected: the payment time was missing. No shares allotted.');
    expect(rejected!.text.refund).toBe('HK$362,718.66, by refund cheque posted on or before Wednesday, December 29, 2021 to the address you gave.');
    expect(rejected!.shares_delivery).toBeNull();
  });

  it('404: one body for every valid number without an application here, known elsewhere or not', () => {
    const bodies = [ask('HKID', 'Z3333338'), ask('PASSPORT', 'A1234563'), ask('HKID', 'B6666669')];
    for (const b of bodies) expect(b.statusCode).toBe(404);
    expect(bodies[0]!.body).toEqual({ error: 'NOT_FOUND', id_type: 'HKID', id: 'Z3*****8', message: NOT_FOUND_MESSAGE });
    // Identical but for the masked echo of the number asked.
    expect(bodies.map((b) => ({ ...b.body, id: null, id_type: null }))).toEqual(Array(3).fill({ error: 'NOT_FOUND', id_type: null, id: null, message: NOT_FOUND_MESSAGE }));
  });

  it('400 with the reason for a number that is not whole and valid', () => {
    expect(ask('HKID', 'A1234567')).toEqual({ statusCode: 400, body: { error: 'HKID_CHECK_DIGIT', id_type: 'HKID', id: 'A1*****7', message: expect.stringContaining('check digit') } });
    expect(ask('HKID', 'A12*').statusCode).toBe(400);
  });

  it('403 before results_from and 410 from results_to, whatever the number', () => {
    expect(ask('HKID', 'G7890124', { ...ctx, phase: 'BEFORE' })).toEqual({
      statusCode: 403,
      body: { error: 'NOT_YET_PUBLISHED', message: 'The results are not yet published. They will be available from 8:00 a.m. on Wednesday, December 29, 2021 (Hong Kong time).' },
    });
    expect(ask('HKID', 'nonsense', { ...ctx, phase: 'BEFORE' }).statusCode).toBe(403);
    expect(ask('HKID', 'G7890124', { ...ctx, phase: 'CLOSED' })).toEqual({
      statusCode: 410,
      body: { error: 'SEARCH_CLOSED', message: 'The search by ID closed at 12:00 midnight on Tuesday, January 4, 2022 (Hong Kong time). The allotment results announcement remains published.' },
    });
  });
});
