/**
 * Issue 9: the default number of judging threads of a parallel ingest. On two cores, two (the main
 * thread mostly waits on the file system; one judging thread left about half a core idle); else
 * the cores less one, at most 4.
 */
import { defaultJudgeThreads } from '../../../src/pipeline/ingest';

describe('defaultJudgeThreads', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 4],
    [8, 4],
    [64, 4],
  ])('%i core(s): %i thread(s)', (cores, threads) => {
    expect(defaultJudgeThreads(cores)).toBe(threads);
  });
});
