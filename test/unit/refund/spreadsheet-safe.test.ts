import { neutraliseCell, neutraliseNumberText, restoreCell } from '../../../src/refund/spreadsheet-safe';

describe('spreadsheet cell neutralisation', () => {
  test.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
  ])('%j is prefixed with an apostrophe', (input, output) => {
    expect(neutraliseCell(input)).toBe(output);
  });

  test.each(['CHAN Tai Man', '陳小明', 'REF-1', '', ' =1', "O'Brien", '1000'])('%j is left alone', (input) => {
    expect(neutraliseCell(input)).toBe(input);
  });

  test('numeric columns echoing raw text: plain numbers stay, formulas are neutralised', () => {
    expect(neutraliseNumberText('1000')).toBe('1000');
    expect(neutraliseNumberText('-1000')).toBe('-1000');
    expect(neutraliseNumberText('1500.5')).toBe('1500.5');
    expect(neutraliseNumberText('=1000')).toBe(`'=1000`);
    expect(neutraliseNumberText('-1+1')).toBe(`'-1+1`);
    expect(neutraliseNumberText('abc')).toBe('abc');
  });
});

describe('restoreCell', () => {
  test('undoes neutraliseCell, and nothing else', () => {
    for (const text of ['=1+1', '+852', '-x', '@a', '\tb', 'plain', "'quoted", '陳小明', '']) expect(restoreCell(neutraliseCell(text))).toBe(text);
    expect(restoreCell("'plain")).toBe("'plain");
  });
});
