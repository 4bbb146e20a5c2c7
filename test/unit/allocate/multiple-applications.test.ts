import fc from 'fast-check';
import { findMultipleApplications, normaliseIdentity } from '../../../src/allocate/multiple-applications';

describe('findMultipleApplications', () => {
  it('finds nothing when every person applies once', () => {
    expect(findMultipleApplications([
      { key: 'BRK001/1', applicant_ids: ['HKID:A1234563'] },
      { key: 'BRK002/1', applicant_ids: ['HKID:B1234567', 'PASSPORT:A1234563'] },
    ])).toEqual(new Set());
  });

  it('rejects every application of a first applicant appearing twice, across participants', () => {
    expect(findMultipleApplications([
      { key: 'BRK001/1', applicant_ids: ['HKID:A1234563'] },
      { key: 'INV001/9', applicant_ids: ['HKID:A1234563'] },
      { key: 'BRK002/1', applicant_ids: ['HKID:C7654321'] },
    ])).toEqual(new Set(['BRK001/1', 'INV001/9']));
  });

  it('counts joint applicants, and takes down the joint instruction with its innocent first applicant', () => {
    expect(findMultipleApplications([
      { key: 'BRK001/1', applicant_ids: ['HKID:A1234563'] },
      { key: 'WF/7', applicant_ids: ['HKID:Z9999999', 'HKID:A1234563'] },
      { key: 'BRK002/1', applicant_ids: ['HKID:Z9999999'] },
      { key: 'BRK003/1', applicant_ids: ['HKID:Y1111111'] },
    ])).toEqual(new Set(['BRK001/1', 'WF/7', 'BRK002/1']));
  });

  it('compares without case, spaces or brackets', () => {
    expect(normaliseIdentity('hkid: a123456 (3)')).toBe('HKID:A1234563');
    expect(findMultipleApplications([
      { key: 'a', applicant_ids: ['HKID:A123456(3)'] },
      { key: 'b', applicant_ids: ['hkid:a123456 3'] },
      { key: 'c', applicant_ids: ['HKID:A123456[3]'] },
    ])).toEqual(new Set(['a', 'b', 'c']));
  });

  it('the comparison form is upper case without spaces or brackets, whatever the text (a document already in that form given back as it is)', () => {
    const reference = (id: string) => id.toUpperCase().replace(/[\s()[\]{}<>]/g, '');
    const documentLike = fc.stringMatching(/^[A-Za-z0-9:() \t\-ß]{0,16}$/);
    fc.assert(fc.property(fc.oneof(documentLike, fc.string({ unit: 'binary' })), (id) => {
      expect(normaliseIdentity(id)).toBe(reference(id));
    }), { numRuns: 2000 });
    expect(normaliseIdentity('HKID:A1234563')).toBe('HKID:A1234563');
    expect(normaliseIdentity('PASSPORT:ß12')).toBe('PASSPORT:SS12');
    expect(normaliseIdentity('HKID:A1234563\n')).toBe('HKID:A1234563');
  });

  it('keeps the document type: the same number under another type is another document', () => {
    expect(findMultipleApplications([
      { key: 'a', applicant_ids: ['HKID:A1234563'] },
      { key: 'b', applicant_ids: ['PASSPORT:A1234563'] },
    ])).toEqual(new Set());
  });

  it('does not flag a document repeated inside one instruction, nor a key given twice', () => {
    expect(findMultipleApplications([
      { key: 'a', applicant_ids: ['HKID:A1234563', 'HKID:A1234563'] },
      { key: 'b', applicant_ids: ['HKID:B1234567'] },
      { key: 'b', applicant_ids: ['HKID:B1234567'] },
    ])).toEqual(new Set());
  });
});
