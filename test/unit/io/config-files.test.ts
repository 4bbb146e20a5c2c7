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

  it.each([
    ['wrong header', 'id,type\n', 'participants.csv line 1: header must be participant_id,participant_type,name,designated_bank_account,status'],
    ['bad type', `${HEADER}BRK001,BROKER,X,1,ACTIVE\n`, 'participants.csv line 2: participant_type "BROKER" must be one of CLEARING, CUSTODIAN, INVESTOR, WHITE_FORM'],
    ['bad status', `${HEADER}BRK001,CLEARING,X,1,OPEN\n`, 'participants.csv line 2: status "OPEN" must be ACTIVE or SUSPENDED'],
    ['bad id', `${HEADER}brk,CLEARING,X,1,ACTIVE\n`, 'participants.csv line 2: participant_id "brk" must be 4-12 capital letters or digits'],
    ['listed twice', `${HEADER}BRK001,CLEARING,X,1,ACTIVE\nBRK001,CLEARING,Y,2,ACTIVE\n`, 'participants.csv line 3: participant_id BRK001 is listed twice'],
  ])('refuses a registry with a %s, naming the line', (_what, text, message) => {
    expect(() => parseParticipants(text)).toThrow(new ConfigInvalidError(message));
  });
});
