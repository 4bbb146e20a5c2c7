import { chooseWinners, DrawStream, drawStream } from '../../../src/allocate/rng';

const ZERO_BOOK = '0'.repeat(64);

describe('draw stream (HMAC-SHA256 counter mode, docs/ballot.md)', () => {
  it('matches an independent implementation (Python hmac, see docs/ballot.md)', () => {
    const s = drawStream('samples-2021', ZERO_BOOK, 'A', 1000);
    const words = Array.from({ length: 10 }, () => s.nextUint32());
    expect(words).toEqual([2514608721, 583832602, 3127306867, 616471839, 848684000, 196807760, 1707829711, 2445500022, 161530119, 2802782883]);
    expect(chooseWinners(10, 3, drawStream('samples-2021', ZERO_BOOK, 'A', 1000))).toEqual([1, 2, 5]);
  });

  it('gives integers in range, and distinct winners', () => {
    const s = new DrawStream('x', 'y');
    for (let i = 0; i < 1000; i++) {
      const v = s.uniformBelow(7);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(7);
    }
    const w = chooseWinners(100, 60, s);
    expect(new Set(w).size).toBe(60);
    expect(Math.max(...w)).toBeLessThan(100);
  });

  it('separates streams by seed, book, pool and quantity', () => {
    const first = (seed: string, book: string, pool: 'A' | 'B', q: number) => drawStream(seed, book, pool, q).nextUint32();
    const base = first('s', ZERO_BOOK, 'A', 1000);
    expect(first('t', ZERO_BOOK, 'A', 1000)).not.toBe(base);
    expect(first('s', '1'.repeat(64), 'A', 1000)).not.toBe(base);
    expect(first('s', ZERO_BOOK, 'B', 1000)).not.toBe(base);
    expect(first('s', ZERO_BOOK, 'A', 2000)).not.toBe(base);
  });
});
