import { parseParticipants } from '../../../src/io/config-files';
import { ConfigInvalidError } from '../../../src/domain/errors';

const HEADER = 'participant_id,participant_type,name,designated_bank_account,status\n';

describe('participant registry', () => {
  it('reads rows with quoted names, a BOM and Chinese characters', () => {
    const registry = parseParticipants(`\uFEFF${HEADER}BRK002,CLEARING,"Kowloon Brokerage Co., Ltd.",012-345-678901234,ACTIVE\r\nINV002,INVESTOR,陳小明,009-321-987654321,SUSPENDED\r\n`);
    expect([...registry.keys()]).toEqual(['BRK002', 'INV002']);
    expect(registry.get('BRK002')).toEqual({
      participant_id: 'BRK002', participant_type: 'CLEARING', name: 'Kowloon Brokerage Co., Ltd.',
      designated_bank_account: '012-345-678901234', status: 'ACTIVE',
    });
    expect(registry.get('INV002')?.status).toBe('SUSPENDED');
  });

  const ACC = '004-001-000123456';
  it.each([
    ['wrong header', 'id,type\n', 'participants.csv line 1: header must be participant_id,participant_type,name,designated_bank_account,status'],
    ['bad type', `${HEADER}BRK001,BROKER,X,${ACC},ACTIVE\n`, 'participants.csv line 2, column 2 (participant_type): "BROKER" must be one of CLEARING, CUSTODIAN, INVESTOR, WHITE_FORM'],
    ['bad status', `${HEADER}BRK001,CLEARING,X,${ACC},OPEN\n`, 'participants.csv line 2, column 5 (status): "OPEN" must be ACTIVE or SUSPENDED'],
    ['bad id', `${HEADER}brk,CLEARING,X,${ACC},ACTIVE\n`, 'participants.csv line 2, column 1 (participant_id): "brk" must be 4-12 capital letters or digits'],
    ['listed twice', `${HEADER}BRK001,CLEARING,X,${ACC},ACTIVE\nBRK001,CLEARING,Y,${ACC},ACTIVE\n`, 'participants.csv line 3, column 1 (participant_id): BRK001 is listed twice'],
    // issue 8: 004-001-ABC went into 20 DIRECT_CREDIT refund rows before the registry was checked.
    ['designated_bank_account that is not NNN-NNN-N', `${HEADER}BRK001,CLEARING,X,004-001-ABC,ACTIVE\n`, 'participants.csv line 2, column 4 (designated_bank_account): "004-001-ABC" is not a bank account NNN-NNN-N (bank code, branch, 6-12 digit account number)'],
    ['designated_bank_account left empty', `${HEADER}WFE001,WHITE_FORM,X,,ACTIVE\n`, 'participants.csv line 2, column 4 (designated_bank_account): "" is not a bank account NNN-NNN-N (bank code, branch, 6-12 digit account number)'],
    ['account number of 13 digits', `${HEADER}BRK001,CLEARING,X,004-001-1234567890123,ACTIVE\n`, 'participants.csv line 2, column 4 (designated_bank_account): "004-001-1234567890123" is not a bank account NNN-NNN-N (bank code, branch, 6-12 digit account number)'],
    ['empty name', `${HEADER}BRK001,CLEARING, ,${ACC},ACTIVE\n`, 'participants.csv line 2, column 3 (name): " " must not be empty'],
    ['name with a line end (line of the record start)', `${HEADER}BRK001,CLEARING,X,${ACC},ACTIVE\nBRK002,CLEARING,"A\nB",${ACC},ACTIVE\n`, 'participants.csv line 3, column 3 (name): "A\\nB" must not contain a line end or a control character'],
    ['wrong field count', `${HEADER}BRK001,CLEARING,X\n`, 'participants.csv line 2: expected 5 fields, found 3'],
    ['quote not closed (no library text)', `${HEADER}BRK001,CLEARING,"X,${ACC},ACTIVE\n`, 'participants.csv line 2: not valid CSV (CSV_QUOTE_NOT_CLOSED: a quote is not closed)'],
  ])('refuses a registry with a %s, naming the line and column', (_what, text, message) => {
    expect(() => parseParticipants(text)).toThrow(new ConfigInvalidError(message));
  });
});
