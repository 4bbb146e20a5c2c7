/**
 * Applicants' and participants' names for synthetic books: Hong Kong romanisation, Chinese
 * characters, commas and quotes (which the CSV writer must quote), companies. Drawn from a
 * SeededRandom positioned by the caller, so a name is a function of the seed and the record.
 *
 * Mix of personal names: 62% `CHAN Tai Man`; 12% `CHAN, Tai Man` (comma); 14% `陳大文`;
 * 6% `陳大文 CHAN Tai Man`; 4% `CHAN Tai Man "Peter"` (quotes); 2% `CHAN, Peter "Tai Man"` (both).
 * Companies: `<place> <business> <form>`, a quarter of the forms with a comma (`Co., Ltd.`),
 * one in ten in Chinese (`香港海港投資有限公司`).
 */
import type { SeededRandom } from './seeded-random';

const SURNAMES = ['CHAN', 'WONG', 'LEE', 'CHEUNG', 'LAU', 'NG', 'HO', 'LAM', 'LEUNG', 'TSANG', 'CHOW', 'YEUNG', 'TAM', 'MAK', 'KWOK',
  'FUNG', 'LO', 'YIP', 'SIU', 'CHU', 'LAI', 'TANG', 'CHENG', 'POON', 'SZETO', 'AU YEUNG', 'KO', 'HUI', 'MA', 'YU'] as const;
const GIVEN = ['Tai', 'Man', 'Siu', 'Ming', 'Ka', 'Yan', 'Wai', 'Kit', 'Chi', 'Hung', 'Mei', 'Ling', 'Ho', 'Yin', 'Kwok', 'Wing',
  'Sze', 'Wan', 'Hiu', 'Tung', 'Chun', 'Lok', 'Pui', 'Yee', 'Kin', 'Fai', 'Shing', 'Fong', 'Kei', 'Lam'] as const;
const ENGLISH = ['Peter', 'Mary', 'John', 'Karen', 'David', 'Winnie', 'Eric', 'Cherry', 'Kenneth', 'Ivy', 'Jack', 'Joyce',
  'Michael', 'Candy', 'Raymond', 'Gigi'] as const;
const SURNAMES_ZH = ['陳', '黃', '李', '張', '劉', '吳', '何', '林', '梁', '曾', '周', '楊', '譚', '麥', '郭', '馮', '盧', '葉',
  '蕭', '朱', '黎', '鄧', '鄭', '潘', '司徒', '高', '許', '馬', '余', '歐陽'] as const;
const GIVEN_ZH = ['大', '文', '小', '明', '嘉', '欣', '偉', '傑', '志', '雄', '美', '玲', '浩', '賢', '國', '榮', '詩', '韻',
  '曉', '彤', '俊', '樂', '佩', '儀', '健', '輝', '成', '芳', '琪', '霖'] as const;

const PLACES = ['Harbour', 'Victoria', 'Kowloon', 'Pearl River', 'Lion Rock', 'Tsim Sha Tsui', 'Central', 'Lantau', 'Sha Tin',
  'Causeway Bay', 'Jade', 'Orient', 'Golden Bauhinia', 'Peak', 'Repulse Bay', 'Tai Po'] as const;
const BUSINESSES = ['Capital', 'Investments', 'Holdings', 'Trading', 'Asset Management', 'Enterprises', 'Development', 'Securities',
  'Wealth', 'Partners', 'Industrial', 'Properties'] as const;
const FORMS = ['Limited', 'Limited', 'Limited', 'Co., Ltd.', 'Company Limited', '(HK) Limited', 'Holdings Limited', 'Group Limited'] as const;
const PLACES_ZH = ['香港', '海港', '九龍', '維港', '獅子山', '珠江', '中環', '沙田'] as const;
const BUSINESSES_ZH = ['投資', '控股', '貿易', '實業', '資產管理', '發展'] as const;

function pick<T>(rng: SeededRandom, list: readonly T[]): T {
  return list[rng.below(list.length)]!;
}

function romanised(rng: SeededRandom): { surname: string; given: string } {
  const surname = pick(rng, SURNAMES);
  const given = rng.below(8) === 0 ? pick(rng, GIVEN) : `${pick(rng, GIVEN)} ${pick(rng, GIVEN)}`;
  return { surname, given };
}

function chinese(rng: SeededRandom): string {
  const surname = pick(rng, SURNAMES_ZH);
  return rng.below(6) === 0 ? surname + pick(rng, GIVEN_ZH) : surname + pick(rng, GIVEN_ZH) + pick(rng, GIVEN_ZH);
}

/** An individual's name (the mix in the header). */
export function personName(rng: SeededRandom): string {
  const u = rng.below(100);
  if (u < 62) {
    const r = romanised(rng);
    return `${r.surname} ${r.given}`;
  }
  if (u < 74) {
    const r = romanised(rng);
    return `${r.surname}, ${r.given}`;
  }
  if (u < 88) return chinese(rng);
  if (u < 94) {
    const zh = chinese(rng);
    const r = romanised(rng);
    return `${zh} ${r.surname} ${r.given}`;
  }
  if (u < 98) {
    const r = romanised(rng);
    return `${r.surname} ${r.given} "${pick(rng, ENGLISH)}"`;
  }
  const r = romanised(rng);
  return `${r.surname}, ${pick(rng, ENGLISH)} "${r.given}"`;
}

/** A company's name (business registration or certificate of incorporation). */
export function companyName(rng: SeededRandom): string {
  if (rng.below(10) === 0) return `${pick(rng, PLACES_ZH)}${pick(rng, PLACES_ZH)}${pick(rng, BUSINESSES_ZH)}有限公司`;
  return `${pick(rng, PLACES)} ${pick(rng, BUSINESSES)} ${pick(rng, FORMS)}`;
}

/** A participant's name for the registry, by channel (names may repeat; the participant_id is the identity). */
export function participantName(rng: SeededRandom, kind: 'CLEARING' | 'CUSTODIAN' | 'INVESTOR' | 'WHITE_FORM'): string {
  switch (kind) {
    case 'CLEARING':
      return `${pick(rng, PLACES)} ${pick(rng, ['Securities', 'Brokerage', 'Futures and Securities', 'Capital Markets'] as const)} ${pick(rng, ['Limited', 'Co., Ltd.', 'Company Limited'] as const)}`;
    case 'CUSTODIAN':
      return `${pick(rng, PLACES)} ${pick(rng, ['Custodian Bank', 'Trust Company Limited', 'Nominees Limited', 'Bank (Hong Kong) Limited'] as const)}`;
    case 'INVESTOR':
      return rng.below(4) === 0 ? companyName(rng) : personName(rng);
    case 'WHITE_FORM':
      return 'White Form eIPO Service Provider';
  }
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
