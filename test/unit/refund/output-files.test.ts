import { createHash } from 'node:crypto';
import { buildOutputFiles, OUTPUT_FILE_NAMES } from '../../../src/refund/output-files';
import { allocationOf, instruction, registry, rejected, sampleOffering } from './book-builders';

const offering = sampleOffering();

function build(over: Partial<Parameters<typeof buildOutputFiles>[0]> = {}) {
  const instructions = [
    instruction('WFE001', 'W-BIG', 1000000, { applicant_name: '=HYPERLINK("x")', refund_account: '004-123-456789', applicant_ids: ['HKID:A1234563'] }),
    instruction('BRK001', 'B2', 2000, { applicant_ids: ['HKID:B1', 'PASSPORT:X99'], stock_account: '-SA1' }),
    rejected('BRK001', 'B1', 'QUANTITY_NOT_PERMITTED', { shares_text: '=1500', shares: null }),
    instruction('CUS001', 'C1', 1000),
    instruction('WFE001', 'W-SMALL', 1000, { applicant_name: '陳小明' }),
  ];
  const allocation = allocationOf({ 'BRK001/B2': ['A', 1000], 'WFE001/W-BIG': ['B', 1000000], 'WFE001/W-SMALL': ['A', 1000] });
  return buildOutputFiles({
    instructions, multiples: new Set(['CUS001/C1']), allocation, registry: registry(), offering, finalPrice: '3.99', reallocateShares: null, ...over,
  });
}
const file = (out: ReturnType<typeof build>, name: string) => out.files.find((f) => f.name === name)!.content;

describe('output files of an allocation', () => {
  test('every file, in order, manifest last', () => {
    expect(build().files.map((f) => f.name)).toEqual([...OUTPUT_FILE_NAMES]);
  });

  test('results.csv: sorted, neutralised text, pool empty for rejections, raw quantity echoed', () => {
    expect(file(build(), 'results.csv')).toBe(
      [
        'participant_id,instruction_ref,channel,applicant_ids,pool,shares_applied,shares_allotted,status,reason_code',
        'BRK001,B1,CLEARING,HKID:A2B1,,\'=1500,0,REJECTED,QUANTITY_NOT_PERMITTED',
        'BRK001,B2,CLEARING,HKID:B1;PASSPORT:X99,A,2000,1000,ALLOTTED,',
        'CUS001,C1,CUSTODIAN,HKID:A2C1,,1000,0,REJECTED,MULTIPLE_APPLICATION',
        'WFE001,W-BIG,WHITE_FORM,HKID:A1234563,B,1000000,1000000,ALLOTTED,',
        'WFE001,W-SMALL,WHITE_FORM,HKID:A7W-SMALL,A,1000,1000,ALLOTTED,',
        '',
      ].join('\n'),
    );
  });

  test('ccass-deposits.csv and certificates.csv (COLLECT from 1,000,000 shares applied)', () => {
    const out = build();
    expect(file(out, 'ccass-deposits.csv')).toBe('participant_id,stock_account,instruction_ref,shares\nBRK001,\'-SA1,B2,1000\n');
    expect(file(out, 'certificates.csv')).toBe(
      'instruction_ref,applicant_name,shares,delivery\nW-BIG,"\'=HYPERLINK(""x"")",1000000,COLLECT\nW-SMALL,陳小明,1000,POST\n',
    );
  });

  test('without collect_in_person_min_shares every certificate is posted', () => {
    const out = build({ offering: { ...offering, certificates: {} } });
    expect(file(out, 'certificates.csv')).toContain('W-BIG,"\'=HYPERLINK(""x"")",1000000,POST\n');
  });

  test('refunds.csv at the maximum price: rejections and the partial application only', () => {
    expect(file(build(), 'refunds.csv')).toBe(
      [
        'refund_ref,participant_id,instruction_ref,channel,method,payee_account,payee_name,amount,reason,file_seq,line,currency,value_date,reason_code,manual_reason,amount_paid_text',
        'R00000001,BRK001,B1,CLEARING,DIRECT_CREDIT,004-001-000123456,Harbour Securities Limited,4030.21,REJECTED,1,2,HKD,2021-12-29,QUANTITY_NOT_PERMITTED,,',
        'R00000002,BRK001,B2,CLEARING,DIRECT_CREDIT,004-001-000123456,Harbour Securities Limited,4030.21,PARTIAL,1,2,HKD,2021-12-29,,,',
        'R00000003,CUS001,C1,CUSTODIAN,DIRECT_CREDIT,003-888-100200300,Victoria Custodian Bank,4030.21,REJECTED,1,2,HKD,2021-12-29,MULTIPLE_APPLICATION,,',
        '',
      ].join('\n'),
    );
  });

  test('summary.json: counts by reason and money per channel', () => {
    const { summary } = build();
    expect(summary.instructions).toEqual({ total: 5, valid: 3, rejected: 2, rejected_by_reason: { MULTIPLE_APPLICATION: 1, QUANTITY_NOT_PERMITTED: 1 } });
    expect(summary.final_price).toBe('3.99');
    expect(summary.reallocation_requested_shares).toBeNull();
    expect(summary.money.by_channel.CLEARING).toEqual({ amount_paid: '12090.63', amount_kept: '4030.21', amount_refunded: '8060.42', manual_refunds: 0 });
    expect(summary.money.by_channel.WHITE_FORM.amount_refunded).toBe('0.00');
    expect(summary.money.total.amount_refunded).toBe('12090.63');
  });

  test('manifest.json: rows, sha256 and control totals of each file', () => {
    const out = build();
    const manifest = JSON.parse(file(out, 'manifest.json')) as { files: { name: string; rows: number; sha256: string; control_totals: Record<string, unknown> }[] };
    expect(manifest.files.map((f) => [f.name, f.rows])).toEqual([
      ['results.csv', 5], ['basis-of-allocation.csv', 1], ['refunds.csv', 3], ['refunds-summary.csv', 21], ['ccass-deposits.csv', 1], ['certificates.csv', 2], ['summary.json', 1],
    ]);
    for (const f of manifest.files) expect(f.sha256).toBe(createHash('sha256').update(file(out, f.name)).digest('hex'));
    expect(manifest.files[0]!.control_totals).toEqual({ shares_allotted: 1002000 });
    expect(manifest.files[2]!.control_totals).toEqual({ amount: '12090.63' });
    expect(manifest.files[3]!.control_totals).toEqual({ amount: '12090.63' });
  });

  test('refunds-summary.csv and manifest.json refunds: per method, channel and reason, tied to summary.json', () => {
    const out = build();
    expect(file(out, 'refunds-summary.csv')).toBe(
      [
        'group,item,rows,amount',
        'offering,0020 SenseTime Group Inc.,,',
        'currency,HKD,,',
        'value_date,2021-12-29,,',
        'method,DIRECT_CREDIT,3,12090.63',
        'method,E_REFUND,0,0.00',
        'method,CHEQUE,0,0.00',
        'method,MANUAL,0,',
        'channel,CLEARING,2,8060.42',
        'channel,CUSTODIAN,1,4030.21',
        'channel,INVESTOR,0,0.00',
        'channel,WHITE_FORM,0,0.00',
        'reason,REJECTED,2,8060.42',
        'reason,UNSUCCESSFUL,0,0.00',
        'reason,PARTIAL,1,4030.21',
        'reason,PRICE_ADJUSTMENT,0,0.00',
        'total,refunds.csv,3,12090.63',
        'summary.json,amount_paid,,4050358.28',
        'summary.json,amount_kept,,4038267.65',
        'summary.json,amount_refunded,,12090.63',
        'summary.json,manual_refunds,0,',
        'check,amount_paid - amount_kept - refunds.csv amount,,0.00',
        '',
      ].join('\n'),
    );
    const manifest = JSON.parse(file(out, 'manifest.json')) as { refunds: Record<string, unknown> };
    expect(manifest.refunds).toMatchObject({
      currency: 'HKD', value_date: '2021-12-29', rows: 3, amount: '12090.63',
      by_method: { DIRECT_CREDIT: { rows: 3, amount: '12090.63' }, E_REFUND: { rows: 0, amount: '0.00' }, CHEQUE: { rows: 0, amount: '0.00' }, MANUAL: { rows: 0, amount: null } },
    });
  });

  test('the same book in another order gives the same bytes', () => {
    const a = build();
    const b = buildOutputFiles({
      instructions: [...[
        instruction('WFE001', 'W-BIG', 1000000, { applicant_name: '=HYPERLINK("x")', refund_account: '004-123-456789', applicant_ids: ['HKID:A1234563'] }),
        instruction('BRK001', 'B2', 2000, { applicant_ids: ['HKID:B1', 'PASSPORT:X99'], stock_account: '-SA1' }),
        rejected('BRK001', 'B1', 'QUANTITY_NOT_PERMITTED', { shares_text: '=1500', shares: null }),
        instruction('CUS001', 'C1', 1000),
        instruction('WFE001', 'W-SMALL', 1000, { applicant_name: '陳小明' }),
      ]].reverse(),
      multiples: new Set(['CUS001/C1']),
      allocation: allocationOf({ 'WFE001/W-SMALL': ['A', 1000], 'WFE001/W-BIG': ['B', 1000000], 'BRK001/B2': ['A', 1000] }),
      registry: registry(), offering, finalPrice: '3.99', reallocateShares: null,
    });
    expect(b.files).toEqual(a.files);
  });
});
