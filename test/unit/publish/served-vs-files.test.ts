/**
 * The pure half of served = files (src/publish/served-vs-files.ts): the refund each row of a
 * reference gets from the files, and the field-by-field comparison of one served application,
 * including fields the site must never send.
 */
import { applicationView } from '../../../src/publish/lookup-response';
import type { IndexedApplication } from '../../../src/publish/results-index';
import { FileApplication, FileRefundRow, maskedDocument, refundsOfReference, ServedComparison } from '../../../src/publish/served-vs-files';

const row = (reason: string, amount: string, extra: Partial<FileRefundRow> = {}): FileRefundRow =>
  ({ method: 'DIRECT_CREDIT', amount, reason, fileSeq: null, line: null, order: 0, ...extra });

describe('refundsOfReference', () => {
  it('a single row takes its refund; a MANUAL row (no amount) or a listed manual refund is MANUAL; none is NONE', () => {
    const faults: string[] = [];
    expect(refundsOfReference(['UNSUCCESSFUL'], [row('UNSUCCESSFUL', '4030.21')], 0, faults)).toEqual([{ kind: 'PAID', amount: '4030.21', method: 'DIRECT_CREDIT', reason: 'UNSUCCESSFUL' }]);
    expect(refundsOfReference(['REJECTED'], [row('REJECTED', '', { method: 'MANUAL' })], 1, faults)).toEqual([{ kind: 'MANUAL' }]);
    expect(refundsOfReference(['REJECTED'], [], 1, faults)).toEqual([{ kind: 'MANUAL' }]);
    expect(refundsOfReference(['ALLOTTED'], [], 0, faults)).toEqual([{ kind: 'NONE' }]);
    expect(faults).toEqual([]);
  });

  it('a reused reference: refunds placed by file_seq and line on the rows whose status fits; rows left open are UNDETERMINED', () => {
    const faults: string[] = [];
    const given = [row('REJECTED', '4030.21', { fileSeq: 2, line: 3, order: 1 }), row('PRICE_ADJUSTMENT', '282.82', { fileSeq: 1, line: 3, order: 2 })];
    expect(refundsOfReference(['ALLOTTED', 'REJECTED'], given, 0, faults)).toEqual([
      { kind: 'PAID', amount: '282.82', method: 'DIRECT_CREDIT', reason: 'PRICE_ADJUSTMENT' },
      { kind: 'PAID', amount: '4030.21', method: 'DIRECT_CREDIT', reason: 'REJECTED' },
    ]);
    expect(refundsOfReference(['REJECTED', 'REJECTED'], [row('REJECTED', '10.00')], 0, faults)).toEqual([{ kind: 'UNDETERMINED' }, { kind: 'UNDETERMINED' }]);
    expect(refundsOfReference(['REJECTED', 'REJECTED'], [], 1, faults)).toEqual([{ kind: 'UNDETERMINED' }, { kind: 'UNDETERMINED' }]);
    expect(refundsOfReference(['REJECTED', 'REJECTED'], [], 2, faults)).toEqual([{ kind: 'MANUAL' }, { kind: 'MANUAL' }]);
    expect(faults).toEqual([]);
  });

  it('refunds the files cannot place are faults', () => {
    const faults: string[] = [];
    refundsOfReference(['REJECTED'], [row('REJECTED', '1.00'), row('REJECTED', '2.00')], 0, faults);
    refundsOfReference(['ALLOTTED', 'ALLOTTED'], [row('REJECTED', '1.00')], 0, faults);
    refundsOfReference(['ALLOTTED'], [], 1, faults);
    expect(faults).toHaveLength(3);
  });
});

describe('ServedComparison', () => {
  const indexed: IndexedApplication = {
    row: 0, participant_id: 'WF01', channel: 'WHITE_FORM', pool: 'B', shares_applied: '1000000', shares_allotted: 2000, status: 'ALLOTTED', reason_code: null,
    applicants: 2, applicant_position: 1, refund: { kind: 'PAID', amount: '3950841.05', method: 'E_REFUND', reason: 'PARTIAL' },
  };
  const ctx = { refund_dispatch: '2021-12-29', certificate_dispatch: '2021-12-29', collect_min_shares: 1_000_000 };
  const file: FileApplication = {
    line: 7, participant_id: 'WF01', instruction_ref: 'W1', channel: 'WHITE_FORM', documents: ['HKID:A1234563', 'PASSPORT:K12345678'], pool: 'B',
    shares_applied: '1000000', shares_allotted: '2000', status: 'ALLOTTED', reason_code: '',
    refund: { kind: 'PAID', amount: '3950841.05', method: 'E_REFUND', reason: 'PARTIAL' }, certificate_delivery: 'COLLECT',
  };

  it('an application served as the files say: no difference, every field counted', () => {
    const c = new ServedComparison();
    c.application(file, 'PASSPORT:K12345678', 1, applicationView(indexed, ctx), ctx);
    expect([c.mismatches, c.first]).toEqual([0, []]);
    expect(c.fields).toBe(24);
  });

  it('each different field is named, with the document masked; a field the site must not send is a difference', () => {
    const c = new ServedComparison();
    const view = { ...applicationView({ ...indexed, refund: { kind: 'PAID', amount: '3950841.04', method: 'E_REFUND', reason: 'PARTIAL' } }, { ...ctx, collect_min_shares: undefined }), applicant_ids: 'HKID:A1234563' };
    c.application(file, 'PASSPORT:K12345678', 0, view, ctx);
    expect(c.first.map((m) => [m.line, m.id_type, m.id, m.field])).toEqual([
      [7, 'PASSPORT', 'K1******8', '(application fields)'],
      [7, 'PASSPORT', 'K1******8', 'applicant'],
      [7, 'PASSPORT', 'K1******8', 'refund.amount'],
      [7, 'PASSPORT', 'K1******8', 'shares_delivery.delivery'],
      [7, 'PASSPORT', 'K1******8', 'text.refund'],
      [7, 'PASSPORT', 'K1******8', 'text.shares'],
    ]);
    expect(c.first[2]).toEqual(expect.objectContaining({ file: '"3950841.05"', served: '"3950841.04"' }));
    expect(JSON.stringify(c.first)).not.toContain('K12345678');
    expect(JSON.stringify(c.first)).not.toContain('A1234563');
  });

  it('masks documents as the site does', () => {
    expect(maskedDocument('HKID:A1234563')).toEqual({ id_type: 'HKID', id: 'A1*****3' });
    expect(maskedDocument('CI:1234567')).toEqual({ id_type: 'CI', id: '12****7' });
  });
});
