/**
 * Writes the quick-start inbox `samples/inbox/` (deterministic: same bytes every run) over
 * samples/participants.csv and samples/offerings/0020-sensetime-2021.json. Amounts come from
 * amountPayableText, trailers from the records (except where a sample is meant to be wrong).
 *
 * Run: npx tsc --outDir .tmp/scripts --module commonjs --target es2022 --esModuleInterop \
 *        --resolveJsonModule --skipLibCheck scripts/make-samples.ts && node .tmp/scripts/scripts/make-samples.js
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseOffering } from '../src/offering/load-offering';
import { amountPayableText } from '../src/money/amount-payable';
import { Decimal } from '../src/money/money';
import { hkidCheckDigit } from '../src/validate/hkid';

const ROOT = path.join(__dirname, '..');
const offering = parseOffering(readFileSync(path.join(ROOT.replace(/\.tmp\/scripts$/, ''), 'samples/offerings/0020-sensetime-2021.json'), 'utf8'));
const pay = (shares: number) => amountPayableText(shares, offering.price.maximum, offering.fees);

/** A valid HKID; `brackets` writes the check digit in brackets. */
function hkid(letters: string, digits: string, brackets = true): string {
  const c = hkidCheckDigit(letters, digits);
  return brackets ? `${letters}${digits}(${c})` : `${letters}${digits}${c}`;
}
/** An HKID with a wrong check digit. */
function badHkid(letters: string, digits: string): string {
  const c = hkidCheckDigit(letters, digits);
  return `${letters}${digits}(${c === '9' ? '8' : '9'})`;
}

interface D {
  ref: string;
  time: string;
  idType?: string;
  id: string;
  name: string;
  joint?: string;
  shares: number | string;
  amount?: string;
  stock?: string;
  refund?: string;
  payment?: string;
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

interface FileSpec {
  participant: string;
  folder?: string;
  type: string;
  seq: number;
  created: string;
  records: D[];
  eol?: string;
  bom?: boolean;
  trailer?: 'ok' | 'count+1' | 'none';
  latin1?: boolean;
}

function render(spec: FileSpec): Buffer {
  const eol = spec.eol ?? '\n';
  const lines = [['H', '1', offering.stock_code, spec.participant, spec.type, String(spec.seq), spec.created].join(',')];
  let shares = 0n;
  let amount = new Decimal(0);
  for (const r of spec.records) {
    const sharesText = String(r.shares);
    const amountText = r.amount ?? (typeof r.shares === 'number' && offering.permitted_quantities.includes(r.shares) ? pay(r.shares) : pay(1000));
    shares += BigInt(sharesText);
    amount = amount.plus(amountText);
    const ccass = spec.type !== 'WHITE_FORM';
    lines.push(['D', r.ref, r.time, r.idType ?? 'HKID', r.id, r.name, r.joint ?? '', sharesText, amountText,
      r.stock ?? (ccass ? `${spec.participant}-${r.ref.slice(-4)}` : ''), r.refund ?? '', r.payment ?? ''].map(csvField).join(','));
  }
  const count = spec.records.length + (spec.trailer === 'count+1' ? 1 : 0);
  if (spec.trailer !== 'none') lines.push(['T', String(count), String(shares), amount.toFixed(2)].join(','));
  const text = (spec.bom ? '\uFEFF' : '') + lines.join(eol) + eol;
  return spec.latin1 ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

// People who apply through two participants (multiple applications, marked at allocation).
const MULTI_HKID = hkid('A', '123456');
const MULTI_PASSPORT = 'E98765432';

const brk001Day1: FileSpec = {
  participant: 'BRK001', type: 'CLEARING', seq: 1, created: '2021-12-20T21:00:00+08:00',
  records: [
    { ref: 'B1-0001', time: '2021-12-20T09:00:00', id: MULTI_HKID, name: 'CHAN Tai Man', shares: 1000 },
    { ref: 'B1-0002', time: '2021-12-20T09:15:00', id: hkid('B', '234567'), name: 'WONG, Siu Ming', shares: 2000 },
    { ref: 'B1-0003', time: '2021-12-20T10:00:00+08:00', idType: 'PASSPORT', id: 'K12345678', name: 'SMITH, John "Jack"', shares: 5000 },
    { ref: 'B1-0004', time: '2021-12-20T10:30:00', idType: 'BR', id: '31234567', name: 'Harbour Capital Partners Limited', shares: 20000000 },
    { ref: 'B1-0005', time: '2021-12-20T08:59:59', id: hkid('C', '345678'), name: 'LAM Ka Yan', shares: 3000 },
    { ref: 'B1-0006', time: '2021-12-20T11:00:00', id: badHkid('D', '456789'), name: 'CHEUNG Wai Kit', shares: 4000 },
    { ref: 'B1-0007', time: '2021-12-20T20:30:00', id: hkid('XA', '112233'), name: '黃志明', shares: 10000 },
    { ref: 'B1-0008', time: '2021-12-20T12:30:00Z', id: hkid('E', '567890', false), name: 'NG Mei Ling', shares: 30000 },
    { ref: 'B1-0009', time: '2021-12-20T13:45:00', id: hkid('F', '678901'), name: 'HO Chun Kit', joint: `HKID:${hkid('G', '789012')};PASSPORT:P7654321`, shares: 100000 },
    { ref: 'B1-0010', time: '2021-12-20T14:00:00', id: hkid('H', '890123'), name: 'TSANG Yuk Lan', shares: 6000, refund: '004-123-456789' },
    { ref: 'B1-0011', time: '2021-12-20T15:00:00', id: hkid('J', '901234'), name: 'YIP Ka Ho', shares: 7000, stock: '' },
    { ref: 'B1-0012', time: '2021-12-20T16:20:00', id: hkid('K', '135790'), name: '陳大文', shares: 400000 },
    { ref: 'B1-0013', time: '2021-12-20T17:05:00', idType: 'CI', id: '1234567', name: 'Kowloon Tong Holdings (HK) Limited', shares: 3000000 },
    { ref: 'B1-0014', time: '2021-12-20T18:10:00', id: hkid('L', '246801'), name: 'FUNG Hiu Tung', shares: 8000 },
  ],
};

const files: Record<string, FileSpec> = {
  'BRK001/day1.csv': brk001Day1,
  'BRK001/day2.csv': {
    participant: 'BRK001', type: 'CLEARING', seq: 2, created: '2021-12-22T21:00:00+08:00',
    records: [
      { ref: 'B1-0015', time: '2021-12-21T08:00:00', id: hkid('M', '357913'), name: 'KWOK Sze Wan', shares: 9000 },
      { ref: 'B1-0002', time: '2021-12-21T09:00:00', id: hkid('N', '468024'), name: 'LEUNG Chi Wai', shares: 1000 },
      { ref: 'B1-0016', time: '2021-12-21T07:59:59', id: hkid('P', '579135'), name: 'MAK Pui Yee', shares: 2000 },
      { ref: 'B1-0017', time: '2021-12-22T20:30:00', id: hkid('R', '680246'), name: 'SIU Kam Fai', shares: 15000 },
      { ref: 'B1-0018', time: '2021-12-22T12:00:00', id: hkid('S', '791357'), name: '李小龍', shares: 1000000 },
      { ref: 'B1-0019', time: '2021-12-22T19:00:00', id: hkid('T', '802468'), name: 'CHOI, Man Kit "Ken"', shares: 25000 },
    ],
  },
  'BRK001/day3.csv': {
    participant: 'BRK001', type: 'CLEARING', seq: 3, created: '2021-12-23T12:05:00+08:00', trailer: 'count+1',
    records: [
      { ref: 'B1-0020', time: '2021-12-23T09:00:00', id: hkid('U', '913579'), name: 'TAM Wing Sze', shares: 1000 },
      { ref: 'B1-0021', time: '2021-12-23T10:00:00', id: hkid('V', '024680'), name: 'CHIU Ho Yin', shares: 2000 },
    ],
  },
  'BRK002/day1.csv': {
    participant: 'BRK002', type: 'CLEARING', seq: 1, created: '2021-12-22T22:00:00+08:00', eol: '\r\n',
    records: [
      { ref: 'K-1', time: '2021-12-21T08:30:00', idType: 'BR', id: '40123456', name: 'Kowloon Bay Investments Co., Ltd.', shares: 75000000 },
      { ref: 'K-2', time: '2021-12-21T09:30:00', id: hkid('W', '111111'), name: 'LO, Siu Fung', shares: 1000 },
      { ref: 'K-3', time: '2021-12-21T10:30:00', id: hkid('Y', '222222'), name: 'CHENG Ka Lok', shares: 1000, amount: '4030.20' },
      { ref: 'K-4', time: '2021-12-21T11:30:00', idType: 'BR', id: '40234567', name: 'Tsim Sha Tsui Trading Limited', shares: 80000000, amount: pay(75000000) },
      { ref: 'K-5', time: '2021-12-21T13:30:00', id: hkid('Z', '333333'), name: '張學友', shares: 20000 },
      { ref: 'K-6', time: '2021-12-21T14:30:00', id: hkid('AB', '444444'), name: 'POON "Ah Wing" Kwok Wing', shares: 40000 },
      { ref: 'K-7', time: '2021-12-22T08:00:00', id: hkid('A', '555555'), name: 'YEUNG Tsz Kin', shares: 5000000 },
      { ref: 'K-8', time: '2021-12-22T09:30:00', id: hkid('B', '666666'), name: 'MA Wai Man', shares: 50000 },
      { ref: 'K-9', time: '2021-12-22T20:31:00', id: hkid('C', '777777'), name: 'LAU Kin Chung', shares: 3000 },
      { ref: 'K-10', time: '2021-12-22T10:00:00', id: hkid('D', '888888'), name: 'KWAN Sau Ling', shares: 60000 },
      { ref: 'K-11', time: '2021-12-22T11:00:00', id: hkid('E', '999999'), name: 'CHU Yan Yan', shares: 4000, amount: '16120.8' },
      { ref: 'K-12', time: '2021-12-22T12:00:00', id: hkid('G', '121212'), name: 'SZETO Wai Lun', shares: 200000 },
    ],
  },
  'BRK002/from-brk001.csv': {
    participant: 'BRK001', folder: 'BRK002', type: 'CLEARING', seq: 9, created: '2021-12-22T22:30:00+08:00',
    records: [{ ref: 'X-1', time: '2021-12-21T10:00:00', id: hkid('H', '131313'), name: 'KO Siu Lun', shares: 1000 }],
  },
  'BRK009/day1.csv': {
    participant: 'BRK009', type: 'CLEARING', seq: 1, created: '2021-12-21T21:00:00+08:00',
    records: [{ ref: 'S-1', time: '2021-12-21T10:00:00', id: hkid('J', '141414'), name: 'HUI Kwok Keung', shares: 2000 }],
  },
  'CUS001/day1.csv': {
    participant: 'CUS001', type: 'CUSTODIAN', seq: 1, created: '2021-12-23T12:10:00+08:00', bom: true,
    records: [
      { ref: 'C0001', time: '2021-12-20T09:00:00', idType: 'BR', id: '50123456', name: 'Victoria Harbour Fund, L.P.', shares: 30000000 },
      { ref: 'C0002', time: '2021-12-20T19:00:00', idType: 'CI', id: '87654321', name: 'Peak Asset Management Limited', shares: 50000000 },
      { ref: 'C0003', time: '2021-12-21T09:00:00', idType: 'PASSPORT', id: MULTI_PASSPORT, name: 'TANAKA Hiroshi', shares: 2000 },
      { ref: 'C0004', time: '2021-12-21T10:00:00', id: hkid('K', '151515'), name: 'LI Ming', shares: 70000 },
      { ref: 'C0005', time: '2021-12-22T09:00:00', id: hkid('L', '161616'), name: '周潤發', shares: 90000 },
      { ref: 'C0006', time: '2021-12-22T10:00:00', id: hkid('M', '171717'), name: 'AU Yeung, Ka Man', shares: 300000 },
      { ref: 'C0007', time: '2021-12-23T08:00:00', id: hkid('N', '181818'), name: 'TO Chi Keung', shares: 1000 },
      { ref: 'C0008', time: '2021-12-23T12:00:00', id: hkid('P', '191919'), name: 'WAN Ho Yee', shares: 3000 },
      { ref: 'C0009', time: '2021-12-23T12:00:01', id: hkid('R', '202020'), name: 'KAN Tsz Ching', shares: 4000 },
      { ref: 'C0010', time: '2021-12-23T03:30:00Z', id: hkid('S', '212121'), name: 'LUK Sai Wing', shares: 45000 },
      { ref: 'C0011', time: '2021-12-21T11:00:00', id: hkid('T', '232323'), name: '', shares: 5000 },
      { ref: 'C0012', time: '2021-12-21T12:00:00', id: hkid('U', '242424'), name: 'SHUM Ka Wai', shares: 6000, stock: 'cus#12' },
    ],
  },
  'CUS001/latin1.csv': {
    participant: 'CUS001', type: 'CUSTODIAN', seq: 2, created: '2021-12-23T12:20:00+08:00', latin1: true,
    records: [{ ref: 'C0101', time: '2021-12-21T10:00:00', idType: 'PASSPORT', id: 'X1234567', name: 'José Müller', shares: 1000 }],
  },
  'INV001/day1.csv': {
    participant: 'INV001', type: 'INVESTOR', seq: 1, created: '2021-12-23T12:30:00+08:00',
    records: [
      { ref: 'I1-1', time: '2021-12-20T09:00:00', id: hkid('V', '252525'), name: 'CHAN Tai Man', shares: 2000000 },
      { ref: 'I1-2', time: '2021-12-21T03:00:00', id: hkid('W', '262626'), name: '陳小明', shares: 1000 },
      { ref: 'I1-3', time: '2021-12-25T10:00:00', id: hkid('Y', '272727'), name: 'KWOK Fu Shing', shares: 2000 },
      { ref: 'I1-2', time: '2021-12-22T10:00:00', id: hkid('Z', '282828'), name: 'LAI Ming', shares: 3000 },
      { ref: 'I1-4', time: '2021-12-22T23:59:59', id: hkid('AC', '292929'), name: '王菲', shares: 35000 },
      { ref: 'I1-5', time: '2021-12-23T11:59:59', id: hkid('A', '303030'), name: 'HUNG, Kam Po', shares: 8000 },
      { ref: 'I1-6', time: '2021-12-23T04:00:01Z', id: hkid('B', '313131'), name: 'LEE Hoi Yan', shares: 1000 },
      { ref: 'I1-7', time: '2021-12-20T15:00:00', id: hkid('C', '323232'), name: 'CHOW Yun', shares: 500000, payment: '2021-12-20T15:01:00' },
    ],
  },
  'INV001/pending.csv': {
    participant: 'INV001', type: 'INVESTOR', seq: 2, created: '2021-12-23T11:00:00+08:00', trailer: 'none',
    records: [{ ref: 'I1-8', time: '2021-12-23T10:00:00', id: hkid('D', '333333'), name: 'MOK Siu Wai', shares: 1000 }],
  },
  'INV002/day1.csv': {
    participant: 'INV002', type: 'INVESTOR', seq: 1, created: '2021-12-23T12:40:00+08:00',
    records: [
      { ref: 'J-001', time: '2021-12-20T10:00:00', id: hkid('E', '343434'), name: 'NG Ka Ming', joint: `HKID:${MULTI_HKID}`, shares: 3000 },
      { ref: 'J-002', time: '2021-12-20T11:00:00', id: hkid('F', '353535'), name: 'LAW Yee Man', shares: 1500 },
      { ref: 'J-003', time: '2021-12-21T11:00:00', idType: 'BR', id: '60123456', name: 'Sha Tin Family Office Limited', shares: 60000000 },
      { ref: 'J-004', time: '2021-12-21T12:00:00', id: hkid('G', '363636'), name: 'CHAN, Wing "Winnie" Sze', shares: 80000 },
      { ref: 'J-005', time: '2021-12-21T13:00:00', id: hkid('H', '373737'), name: 'PANG Chi Ho', joint: 'HKID:A1234567;FOO:123', shares: 1000 },
      { ref: 'J-006', time: '2021-12-22T01:00:00', id: hkid('J', '383838'), name: '劉德華', shares: 600000 },
      { ref: 'J-007', time: '2021-12-22T14:00:00', idType: 'HK', id: 'K393939', name: 'SIN Wai Kei', shares: 1000 },
      { ref: 'J-008', time: '2021-12-23T10:00:00', id: hkid('K', '404040'), name: 'TONG Lai Fun', shares: 4000 },
      { ref: 'J-009', time: '2021-12-22T15:00:00', id: hkid('L', '414141'), name: 'YUEN Siu Fai', shares: 700000 },
    ],
  },
  'WFE001/day1.csv': {
    participant: 'WFE001', type: 'WHITE_FORM', seq: 1, created: '2021-12-22T23:00:00+08:00',
    records: [
      { ref: 'W000001', time: '2021-12-20T09:00:00', id: hkid('M', '424242'), name: 'CHEUNG Hok Yau', shares: 10000000, refund: '004-123-456789012', payment: '2021-12-20T09:05:00' },
      { ref: 'W000002', time: '2021-12-20T22:00:00', id: hkid('N', '434343'), name: '梁朝偉', joint: `PASSPORT:${MULTI_PASSPORT}`, shares: 5000, payment: '2021-12-20T22:01:00' },
      { ref: 'W000003', time: '2021-12-21T02:00:00', id: hkid('P', '444444'), name: 'KO, Ying "Candy" Yee', shares: 6000, refund: '012-345-678901', payment: '2021-12-21T02:00:30' },
      { ref: 'W000004', time: '2021-12-21T10:00:00', id: hkid('R', '454545'), name: 'HO Ka Yan', shares: 7000, stock: 'WFE-1', payment: '2021-12-21T10:01:00' },
      { ref: 'W000005', time: '2021-12-22T10:00:00', id: hkid('S', '464646'), name: 'CHAU Pak Kin', shares: 90000, payment: '' },
      { ref: 'W000006', time: '2021-12-22T11:00:00', id: hkid('T', '474747'), name: 'SHEK Wing Yan', shares: 900000, refund: '024-777-0009', payment: '2021-12-22T11:02:00' },
      { ref: 'W000007', time: '2021-12-22T12:00:00', id: hkid('U', '484848'), name: 'TSE Ka Wing', shares: 50000, refund: '003-888-123456', payment: '2021-12-22T12:03:00' },
      { ref: 'W000008', time: '2021-12-22T13:00:00', id: hkid('V', '494949'), name: '鄭秀文', shares: 4000000, payment: '2021-12-22T13:00:10+08:00' },
    ],
  },
  'WFE001/day2.csv': {
    participant: 'WFE001', type: 'WHITE_FORM', seq: 2, created: '2021-12-23T12:15:00+08:00',
    records: [
      { ref: 'W000009', time: '2021-12-23T11:30:00', id: hkid('W', '505050'), name: 'KWONG Lok Yi', shares: 2000, refund: '004-555-000111222', payment: '2021-12-23T12:00:00' },
      { ref: 'W000010', time: '2021-12-23T11:30:01', id: hkid('Y', '515151'), name: 'LING Hoi Ting', shares: 3000, payment: '2021-12-23T11:31:00' },
      { ref: 'W000011', time: '2021-12-23T11:00:00', id: hkid('Z', '525252'), name: 'MAN Tsz Wai', shares: 9000, payment: '2021-12-23T12:00:01' },
      { ref: 'W000012', time: '2021-12-23T09:15:00', id: hkid('AD', '535353'), name: 'FOK Ying Tung', shares: 150000 + 50000, payment: '2021-12-23T09:16:00' },
    ],
  },
};

function main(): void {
  const inbox = path.join(ROOT.replace(/\.tmp\/scripts$/, ''), 'samples', 'inbox');
  rmSync(inbox, { recursive: true, force: true });
  for (const [rel, spec] of Object.entries(files)) {
    mkdirSync(path.join(inbox, path.dirname(rel)), { recursive: true });
    writeFileSync(path.join(inbox, rel), render(spec));
  }
  // A byte-identical re-drop of an accepted file under another name (DUPLICATE_FILE).
  writeFileSync(path.join(inbox, 'BRK001', 'resend-day1.csv'), render(brk001Day1));
  // Not an instruction file: ignored and reported.
  writeFileSync(path.join(inbox, 'BRK001', 'notes.txt'), 'Day 1 and day 2 files sent; day 3 to follow.\n');
  process.stdout.write(`wrote ${Object.keys(files).length + 2} files under ${inbox}\n`);
}

main();
