/** Synthetic identity documents: valid for their type, unique by construction, faults exactly planted. */
import { IdentitySpace } from '../../../src/generate/identities';
import { seedKey, SeededRandom } from '../../../src/generate/seeded-random';
import { checkIdentity } from '../../../src/validate/hkid';

const ids = new IdentitySpace(seedKey('identities'));
/** Serials around the start, the one/two-letter boundary (26,000,000) and the top of the range. */
const SERIALS = [0, 25_990_000, 399_990_000].flatMap((from) => Array.from({ length: 20_000 }, (_, k) => from + k));

describe('IdentitySpace', () => {
  it('writes HKIDs with the right check digit, brackets or not, one and two letters', () => {
    const letters = new Set<number>();
    const wrong: string[] = [];
    for (const s of SERIALS) {
      for (const brackets of [true, false]) {
        const id = ids.hkid(s, brackets);
        if (!checkIdentity('HKID', id).ok || id.includes('(') !== brackets) wrong.push(id);
        letters.add(/^[A-Z]+/.exec(id)![0].length);
      }
    }
    expect(wrong).toEqual([]);
    expect(letters).toEqual(new Set([1, 2]));
  });

  it('gives distinct serials distinct numbers', () => {
    expect(new Set(SERIALS.map((s) => checkIdentity('HKID', ids.hkid(s, true)).normalised)).size).toBe(SERIALS.length);
    expect(new Set(SERIALS.map((s) => ids.passport(s))).size).toBe(SERIALS.length);
    const indices = Array.from({ length: 60_000 }, (_, k) => k * 1601);
    expect(new Set(indices.map((i) => ids.br(i))).size).toBe(indices.length);
    expect(new Set(indices.map((i) => ids.ci(i))).size).toBe(indices.length);
  });

  it('writes passports, BR and CI numbers their rules accept', () => {
    const wrong = SERIALS.flatMap((s) => [
      checkIdentity('PASSPORT', ids.passport(s)).ok ? [] : [ids.passport(s)],
      checkIdentity('BR', ids.br(s)).ok && /^[0-9]{8}$/.test(ids.br(s)) ? [] : [ids.br(s)],
      checkIdentity('CI', ids.ci(s)).ok ? [] : [ids.ci(s)],
    ].flat());
    expect(wrong).toEqual([]);
  });

  it('a planted wrong check digit is always wrong (every shift 1..10)', () => {
    const codes = new Set<string>();
    for (const s of SERIALS.slice(0, 2000)) {
      for (let shift = 1; shift <= 10; shift++) {
        const c = checkIdentity('HKID', ids.hkidWrongCheck(s, shift));
        codes.add(c.ok ? 'ok' : c.code);
      }
    }
    expect(codes).toEqual(new Set(['HKID_CHECK_DIGIT']));
  });
});

describe('SeededRandom', () => {
  it('is a function of seed, stream and index only (pinned words: the same on every machine)', () => {
    const r = new SeededRandom(seedKey('pinned'));
    const words = [r.reset(3, 0).next(), r.reset(3, 1).next(), r.reset(4, 0).next(), r.reset(3, 4_999_999).next()];
    expect(words).toEqual(PINNED_WORDS);
    const again = new SeededRandom(seedKey('pinned'));
    expect(again.reset(3, 1).next()).toBe(words[1]);
    expect(new SeededRandom(seedKey('other')).reset(3, 0).next()).not.toBe(words[0]);
  });

  it('below(n) stays in [0, n) and covers it', () => {
    const r = new SeededRandom(seedKey('below')).reset(1, 0);
    const seen = new Set<number>();
    for (let k = 0; k < 5000; k++) seen.add(r.below(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

const PINNED_WORDS = [2765210212, 2207418499, 1600838569, 2616905317];
