import { ConfigInvalidError } from '../../../src/domain/errors';
import { ballotPolicyFrom, describePoolPolicy, parseBallotPolicy } from '../../../src/allocate/ballot-policy';

function errorOf(text: string): string {
  try {
    parseBallotPolicy(text, 'policy.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigInvalidError);
    return (e as Error).message;
  }
  throw new Error('expected the policy to be refused');
}

describe('ballot policy file', () => {
  it('reads one entry per pool, each a first_row_pct or an exponent; pools may be left out', () => {
    expect(parseBallotPolicy('{"A": {"first_row_pct": "5.00"}, "B": {"exponent": 1}}')).toEqual({ A: { first_row_pct: '5.00' }, B: { exponent: 1 } });
    expect(parseBallotPolicy('{"B": {"exponent": 0.62}}')).toEqual({ B: { exponent: 0.62 } });
    expect(parseBallotPolicy('{}')).toEqual({});
    expect(parseBallotPolicy('{"A": {"first_row_pct": "100"}}')).toEqual({ A: { first_row_pct: '100' } });
    expect(parseBallotPolicy('{"A": {"first_row_pct": "0.0001"}}')).toEqual({ A: { first_row_pct: '0.0001' } });
    expect(parseBallotPolicy('{"A": {"first_row_pct": "10.01"}}')).toEqual({ A: { first_row_pct: '10.01' } });
  });

  it.each([
    ['{"A": {"first_row_pct": 5}}', 'policy.json: A.first_row_pct: first_row_pct must be a percentage written as text, e.g. "5.00"'],
    ['{"A": {"first_row_pct": "5.00001"}}', 'policy.json: A.first_row_pct: first_row_pct must be a percentage written as text with at most 4 decimals, from above 0 to 100, e.g. "5.00"'],
    ['{"A": {"first_row_pct": "100.01"}}', 'at most 4 decimals, from above 0 to 100'],
    ['{"A": {"first_row_pct": "0.00"}}', 'policy.json: A.first_row_pct: first_row_pct must be more than 0'],
    ['{"A": {"first_row_pct": "5%"}}', 'A.first_row_pct: first_row_pct must be a percentage'],
    ['{"A": {"exponent": 0}}', 'policy.json: A.exponent: exponent must be more than 0'],
    ['{"A": {"exponent": 1.2}}', 'policy.json: A.exponent: exponent must be at most 1 (1 is plain pro rata)'],
    ['{"A": {"exponent": "0.6"}}', 'A.exponent: exponent must be a number, e.g. 0.62'],
    ['{"A": {"first_row_pct": "5.00", "exponent": 0.6}}', 'policy.json: A: give exactly one of first_row_pct (e.g. "5.00") or exponent (e.g. 0.62)'],
    ['{"A": {}}', 'A: give exactly one of first_row_pct'],
    ['{"C": {"exponent": 0.6}}', 'policy.json: C: unknown field (misspelt? the format has no such field)'],
    ['{"A": {"first_row_percent": "5.00"}}', 'policy.json: A.first_row_percent: unknown field'],
    ['[]', 'policy.json: (top level)'],
    ['{', 'policy.json: not valid JSON'],
  ])('%s is refused: %s', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });

  it('re-reads a recorded policy with the same rules', () => {
    expect(ballotPolicyFrom({ A: { first_row_pct: '3.00' } }, 'summary')).toEqual({ A: { first_row_pct: '3.00' } });
    expect(() => ballotPolicyFrom({ A: { exponent: 2 } }, 'summary')).toThrow(/summary: A.exponent/);
  });

  it('describes a pool policy in the words of the basis file', () => {
    expect(describePoolPolicy({ first_row_pct: '5.00' })).toBe('first_row_pct 5.00');
    expect(describePoolPolicy({ exponent: 0.62 })).toBe('exponent 0.62');
    expect(describePoolPolicy(null)).toBe('offering default');
  });
});
