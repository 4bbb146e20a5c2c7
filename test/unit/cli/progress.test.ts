import { allocationProgress, progressOn } from '../../../src/cli/progress';

describe('progress line', () => {
  test('on a terminal: rewritten in place at most every 200 ms, cleared at the end; the allocation phases in words', () => {
    const out: string[] = [];
    let now = 0;
    const p = progressOn({ stderr: (t) => void out.push(t), stderrIsTTY: true }, () => now);
    const allocation = allocationProgress(p);
    now = 1000;
    allocation('writing the files', 420_000, 1_000_000);
    now = 1100;
    allocation('writing the files', 430_000, 1_000_000);
    p.end();
    expect(out).toEqual(['\r\x1b[2Kallocate: writing the files, 420,000/1,000,000 instructions', '\r\x1b[2K']);
  });

  test('not a terminal: nothing at all', () => {
    const out: string[] = [];
    const p = progressOn({ stderr: (t) => void out.push(t), stderrIsTTY: false });
    allocationProgress(p)('reading the book', 1, 2);
    p.end();
    expect(out).toEqual([]);
  });
});
