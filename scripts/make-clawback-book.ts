/**
 * Writes the inbox of the golden case `test/golden/clawback-oversubscribed/input/inbox/`
 * (deterministic: same bytes every run) over samples/participants.csv and
 * samples/offerings/0020-sensetime-2021.json.
 *
 * The book is ~9,500 valid instructions from six participants on all four channels, about 45x the
 * initial Hong Kong tranche of 150,000,000 shares (so the 15x clawback tier, and not the 50x one,
 * lifts it to 450,000,000 = 225,000,000 per pool). Pool A (1,000 to 1,000,000 shares) holds many
 * applications for the top of the pool, as a hot Hong Kong IPO does, so that its target for one
 * lot falls below one lot and the smallest quantity is balloted ("N out of M applicants to
 * receive 1,000 shares"); pool B (2,000,000 to 75,000,000 shares) is oversubscribed too. Three
 * identity documents are used twice on purpose (multiple applications). Amounts come from
 * amountPayableText at the maximum price, trailers from the records; every record is valid.
 *
 * Run: npx tsc --outDir .tmp/scripts --module commonjs --target es2022 --esModuleInterop \
 *        --resolveJsonModule --skipLibCheck scripts/make-clawback-book.ts && node .tmp/scripts/scripts/make-clawback-book.js
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseOffering } from '../src/offering/load-offering';
import { amountPayableText } from '../src/money/amount-payable';
import { Decimal } from '../src/money/money';
import { hkidCheckDigit } from '../src/validate/hkid';

const ROOT = path.join(__dirname, '..').replace(/[\\/]\.tmp[\\/]scripts$/, '');
const offering = parseOffering(readFileSync(path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json'), 'utf8'));
const pay = (shares: number) => amountPayableText(shares, offering.price.maximum, offering.fees);

/** mulberry32: a tiny deterministic PRNG (32-bit integer arithmetic only, so the same everywhere). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(20211230);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// The book: applications per quantity.
// ---------------------------------------------------------------------------------------------

/** Pool A (consideration at HK$3.99 up to HK$5,000,000): small quantities, and the top of the pool. */
const POOL_A: Record<number, number> = {
  1000: 900, 2000: 500, 3000: 200, 4000: 120, 5000: 200, 6000: 80, 7000: 60, 8000: 60, 9000: 40, 10000: 300,
  15000: 60, 20000: 80, 25000: 60, 30000: 50, 35000: 25, 40000: 30, 45000: 20, 50000: 80, 60000: 30, 70000: 25,
  80000: 25, 90000: 15, 100000: 120, 200000: 80, 300000: 50, 400000: 40, 500000: 80, 600000: 20, 700000: 15,
  800000: 20, 900000: 15, 1000000: 6000,
};
/** Pool B (above HK$5,000,000 at HK$3.99, i.e. 2,000,000 shares and up). */
const POOL_B: Record<number, number> = {
  2000000: 40, 3000000: 15, 4000000: 10, 5000000: 10, 6000000: 4, 7000000: 3, 8000000: 3, 9000000: 2, 10000000: 6,
  20000000: 4, 30000000: 2, 40000000: 1, 50000000: 1, 75000000: 2,
};

type Channel = 'CLEARING' | 'CUSTODIAN' | 'INVESTOR' | 'WHITE_FORM';
interface Participant {
  id: string;
  type: Channel;
  /** Prefix of its instruction refs. */
  prefix: string;
  /** Relative share of the individual applications. */
  weight: number;
  /** Number of files the participant's instructions are split into. */
  files: number;
}
const PARTICIPANTS: Participant[] = [
  { id: 'BRK001', type: 'CLEARING', prefix: 'HS', weight: 30, files: 3 },
  { id: 'BRK002', type: 'CLEARING', prefix: 'KB', weight: 22, files: 2 },
  { id: 'CUS001', type: 'CUSTODIAN', prefix: 'VC', weight: 14, files: 2 },
  { id: 'INV001', type: 'INVESTOR', prefix: 'IA', weight: 8, files: 1 },
  { id: 'INV002', type: 'INVESTOR', prefix: 'IB', weight: 8, files: 1 },
  { id: 'WFE001', type: 'WHITE_FORM', prefix: 'W', weight: 18, files: 2 },
];
const byId = new Map(PARTICIPANTS.map((p) => [p.id, p]));

interface D {
  participant: string;
  time: string;
  idType: string;
  id: string;
  name: string;
  joint: string;
  shares: number;
  refund: string;
  payment: string;
}

// ---------------------------------------------------------------------------------------------
// Identities: every number unique, except the deliberate multiple applications below.
// ---------------------------------------------------------------------------------------------

const HKID_LETTERS = 'ABCDEGHJKMPRSTVYZ';
let hkidCounter = 0;
function nextHkid(): string {
  const n = hkidCounter++;
  const letters = n % 29 === 0 ? `X${HKID_LETTERS[n % HKID_LETTERS.length]}` : HKID_LETTERS[n % HKID_LETTERS.length]!;
  const digits = String(300000 + n * 7).padStart(6, '0');
  const check = hkidCheckDigit(letters, digits);
  return n % 5 === 0 ? `${letters}${digits}${check}` : `${letters}${digits}(${check})`;
}
let passportCounter = 0;
const nextPassport = () => `K${String(40000000 + passportCounter++ * 13).padStart(8, '0')}`;
let brCounter = 0;
const nextBr = () => String(61000000 + brCounter++ * 37);
let ciCounter = 0;
const nextCi = () => String(2100000 + ciCounter++ * 11);

const SURNAMES = ['CHAN', 'WONG', 'LEE', 'CHEUNG', 'LAU', 'NG', 'HO', 'LEUNG', 'LAM', 'TSANG', 'CHOW', 'YIP', 'FUNG', 'KWOK', 'MAK', 'TAM', 'SIU', 'LO', 'CHENG', 'POON', 'YEUNG', 'MA', 'KWAN', 'CHU', 'SZETO', 'LI'];
const GIVEN = ['Tai Man', 'Siu Ming', 'Ka Yan', 'Wai Kit', 'Mei Ling', 'Chun Kit', 'Yuk Lan', 'Ka Ho', 'Hiu Tung', 'Sze Wan', 'Chi Wai', 'Pui Yee', 'Kam Fai', 'Man Kit', 'Wing Sze', 'Ho Yin', 'Siu Fung', 'Ka Lok', 'Kwok Wing', 'Tsz Kin'];
const CHINESE = ['陳大文', '黃志明', '李小龍', '張學友', '周潤發', '劉德華', '梁朝偉', '鄭秀文', '王菲', '陳小明'];
const personName = () => (rnd() < 0.05 ? pick(CHINESE) : rnd() < 0.15 ? `${pick(SURNAMES)}, ${pick(GIVEN)}` : `${pick(SURNAMES)} ${pick(GIVEN)}`);
const CORP_A = ['Harbour', 'Kowloon', 'Victoria', 'Peak', 'Lantau', 'Sai Kung', 'Tai Po', 'Sha Tin', 'Repulse Bay', 'Aberdeen', 'Stanley', 'Causeway'];
const CORP_B = ['Capital', 'Investments', 'Asset Management', 'Holdings', 'Partners', 'Fund'];
const corporateName = () => `${pick(CORP_A)} ${pick(CORP_B)} ${pick(['Limited', 'Co., Ltd.', 'L.P.'])}`;

// ---------------------------------------------------------------------------------------------
// Times inside the channel windows (both ends inclusive; Hong Kong time).
// ---------------------------------------------------------------------------------------------

const two = (n: number) => String(n).padStart(2, '0');
function inputTime(type: Channel): string {
  const day = 20 + Math.floor(rnd() * 4);
  let from: number;
  let to: number; // minutes of the day
  if (type === 'CLEARING' || type === 'CUSTODIAN') {
    from = day === 20 ? 9 * 60 : 8 * 60;
    to = day === 23 ? 11 * 60 + 59 : 20 * 60 + 29;
  } else {
    from = day === 20 ? 9 * 60 : 0;
    to = day === 23 ? (type === 'WHITE_FORM' ? 11 * 60 + 20 : 11 * 60 + 59) : 23 * 60 + 59;
  }
  const m = from + Math.floor(rnd() * (to - from + 1));
  return `2021-12-${day}T${two(Math.floor(m / 60))}:${two(m % 60)}:${two(Math.floor(rnd() * 60))}`;
}
/** WHITE_FORM payment a few minutes after input (input ends by 11:20 on the last day, payment by 12:00). */
function paymentTime(input: string): string {
  const [date, clock] = input.split('T') as [string, string];
  const [h, m, s] = clock.split(':').map(Number) as [number, number, number];
  let minutes = h * 60 + m + 1 + Math.floor(rnd() * 9);
  let day = Number(date.slice(8, 10));
  if (minutes >= 24 * 60) {
    minutes -= 24 * 60;
    day += 1;
  }
  return `2021-12-${two(day)}T${two(Math.floor(minutes / 60))}:${two(minutes % 60)}:${two(s)}`;
}
const bankAccount = () => `${pick(['004', '012', '024', '003', '009'])}-${String(100 + Math.floor(rnd() * 900))}-${String(100000000 + Math.floor(rnd() * 900000000))}`;

// ---------------------------------------------------------------------------------------------
// Applications.
// ---------------------------------------------------------------------------------------------

function individualParticipant(): Participant {
  const total = PARTICIPANTS.reduce((s, p) => s + p.weight, 0);
  let r = rnd() * total;
  for (const p of PARTICIPANTS) {
    r -= p.weight;
    if (r < 0) return p;
  }
  return PARTICIPANTS[PARTICIPANTS.length - 1]!;
}

function application(p: Participant, shares: number, who: { idType: string; id: string; name: string; joint?: string }): D {
  const time = inputTime(p.type);
  const wf = p.type === 'WHITE_FORM';
  return {
    participant: p.id, time, idType: who.idType, id: who.id, name: who.name, joint: who.joint ?? '', shares,
    refund: wf && rnd() < 0.55 ? bankAccount() : '', payment: wf ? paymentTime(time) : '',
  };
}

const apps: D[] = [];
for (const [q, n] of Object.entries(POOL_A)) {
  for (let i = 0; i < n; i++) {
    const p = individualParticipant();
    const idType = rnd() < 0.03 ? 'PASSPORT' : 'HKID';
    const joint = rnd() < 0.04 ? `HKID:${nextHkid()}` : undefined;
    apps.push(application(p, Number(q), { idType, id: idType === 'HKID' ? nextHkid() : nextPassport(), name: personName(), ...(joint ? { joint } : {}) }));
  }
}
for (const [q, n] of Object.entries(POOL_B)) {
  for (let i = 0; i < n; i++) {
    const shares = Number(q);
    // Corporates through brokers and the custodian; wealthy individuals also on White Form.
    const corporate = shares >= 20000000 || rnd() < 0.5;
    const p = corporate ? byId.get(pick(['BRK001', 'BRK002', 'CUS001', 'CUS001']))! : byId.get(pick(['BRK001', 'INV001', 'INV002', 'WFE001', 'WFE001']))!;
    const who = corporate
      ? rnd() < 0.6 ? { idType: 'BR', id: nextBr(), name: corporateName() } : { idType: 'CI', id: nextCi(), name: corporateName() }
      : { idType: 'HKID', id: nextHkid(), name: personName() };
    apps.push(application(p, shares, who));
  }
}

// Deliberate multiple applications (all instructions involved are rejected at allocation).
const twiceHkid = nextHkid();
apps.push(application(byId.get('BRK001')!, 1000, { idType: 'HKID', id: twiceHkid, name: 'CHAN Tai Man' }));
apps.push(application(byId.get('INV001')!, 1000000, { idType: 'HKID', id: twiceHkid, name: 'CHAN Tai Man' }));
const jointHkid = nextHkid();
apps.push(application(byId.get('WFE001')!, 1000000, { idType: 'HKID', id: jointHkid, name: 'WONG Siu Ming' }));
apps.push(application(byId.get('BRK002')!, 10000, { idType: 'HKID', id: nextHkid(), name: 'LEUNG Chi Wai', joint: `HKID:${jointHkid}` }));
const twicePassport = nextPassport();
apps.push(application(byId.get('CUS001')!, 2000000, { idType: 'PASSPORT', id: twicePassport, name: 'TANAKA Hiroshi' }));
apps.push(application(byId.get('BRK002')!, 5000, { idType: 'PASSPORT', id: twicePassport, name: 'TANAKA Hiroshi' }));

// ---------------------------------------------------------------------------------------------
// Files.
// ---------------------------------------------------------------------------------------------

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function render(p: Participant, seq: number, records: D[], firstRef: number): Buffer {
  const lines = [['H', '1', offering.stock_code, p.id, p.type, String(seq), `2021-12-23T12:${two(10 + seq)}:00+08:00`].join(',')];
  let shares = 0;
  let amount = new Decimal(0);
  records.forEach((r, n) => {
    const ref = `${p.prefix}${String(firstRef + n).padStart(5, '0')}`;
    const amountText = pay(r.shares);
    shares += r.shares;
    amount = amount.plus(amountText);
    const stock = p.type === 'WHITE_FORM' ? '' : `${p.id}-${String(firstRef + n).padStart(5, '0')}`;
    lines.push(['D', ref, r.time, r.idType, r.id, r.name, r.joint, String(r.shares), amountText, stock, r.refund, r.payment].map(csvField).join(','));
  });
  lines.push(['T', String(records.length), String(shares), amount.toFixed(2)].join(','));
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

function main(): void {
  const inbox = path.join(ROOT, 'test/golden/clawback-oversubscribed/input/inbox');
  rmSync(inbox, { recursive: true, force: true });
  shuffle(apps);
  let written = 0;
  let bytes = 0;
  for (const p of PARTICIPANTS) {
    const mine = apps.filter((a) => a.participant === p.id);
    mkdirSync(path.join(inbox, p.id), { recursive: true });
    const per = Math.ceil(mine.length / p.files);
    for (let f = 0; f < p.files; f++) {
      const records = mine.slice(f * per, (f + 1) * per);
      const content = render(p, f + 1, records, f * per + 1);
      writeFileSync(path.join(inbox, p.id, `day${f + 1}.csv`), content);
      written += 1;
      bytes += content.length;
    }
  }
  process.stdout.write(`wrote ${written} files (${apps.length} instructions, ${bytes} bytes) under ${inbox}\n`);
}

main();
