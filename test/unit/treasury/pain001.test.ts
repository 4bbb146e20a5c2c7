import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseHkAccount } from '../../../src/treasury/hk-account';
import { CreditTransfer, GroupHeader, PaymentBlock, Pain001Template, renderPain001 } from '../../../src/treasury/pain001';
import { paymentText } from '../../../src/treasury/payment-ids';
import { xmllintSchema } from './xmllint';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ccass-pain001-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const account = (t: string) => parseHkAccount(t)!;
const header = (n: number, sum: string): GroupHeader => ({ msg_id: '0020-20211229-RUN0001', created_at: '2021-12-28T17:30:00+08:00', nb_of_txs: n, ctrl_sum: sum, initiating_party: 'Registrar & Co <HK>' });
const block = (n: number, sum: string, bic: string | null = null): PaymentBlock => ({
  pmt_inf_id: '0020-20211229-RUN0001-1', value_date: '2021-12-29', nb_of_txs: n, ctrl_sum: sum, currency: 'HKD',
  debtor: { name: 'Registrar & Co <HK>', account: account('004-500-123456789'), bic },
});
const tx = (over: Partial<CreditTransfer> = {}): CreditTransfer => ({
  instr_id: 'RUN0001-R00000001', end_to_end_id: 'R00000001', amount: '4030.21', currency: 'HKD',
  creditor_name: 'KO, Ying "Candy" Yee & 陳小明 <x>', creditor_account: account('012-345-678901'),
  remittance: 'IPO refund 0020 SenseTime Group Inc.: WFE001 W000003 file 1 line 4 PRICE_ADJUSTMENT', ...over,
});

function validate(xml: string, name: string) {
  const file = path.join(dir, name);
  writeFileSync(file, xml);
  return xmllintSchema(file);
}

/** The streaming writer's pieces put together, as src/pipeline/pay.ts does. */
function streamed(h: GroupHeader, b: PaymentBlock, txs: CreditTransfer[]): string {
  const t = new Pain001Template();
  const [head, tail] = t.envelope(h, [b]);
  return head! + txs.map((x) => t.transaction(x)).join('') + tail!;
}

describe('pain.001.001.09 payment file', () => {
  test('a document is schema-valid, with the mapping docs/treasury.md gives', () => {
    const xml = renderPain001(header(2, '4171.63'), [{ block: block(2, '4171.63', 'HSBCHKHHHKH'), transactions: [tx(), tx({ end_to_end_id: 'R00000002', instr_id: 'RUN0001-R00000002', amount: '141.42' })] }]);
    expect(validate(xml, 'two.xml')).toEqual({ ok: true, output: expect.stringMatching(/validates$/) });
    expect(xml).toContain('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">');
    const flat = xml.replace(/\n\s*/g, '');
    expect(flat).toContain('<GrpHdr><MsgId>0020-20211229-RUN0001</MsgId><CreDtTm>2021-12-28T17:30:00+08:00</CreDtTm><NbOfTxs>2</NbOfTxs><CtrlSum>4171.63</CtrlSum>');
    expect(flat).toContain('<PmtInfId>0020-20211229-RUN0001-1</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>2</NbOfTxs><CtrlSum>4171.63</CtrlSum><ReqdExctnDt><Dt>2021-12-29</Dt></ReqdExctnDt>');
    expect(flat).toContain('<DbtrAcct><Id><Othr><Id>500123456789</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id><Ccy>HKD</Ccy></DbtrAcct>');
    expect(flat).toContain('<DbtrAgt><FinInstnId><BICFI>HSBCHKHHHKH</BICFI><ClrSysMmbId><ClrSysId><Cd>HKNCC</Cd></ClrSysId><MmbId>004</MmbId></ClrSysMmbId></FinInstnId><BrnchId><Id>500</Id></BrnchId></DbtrAgt>');
    expect(flat).toContain('<PmtId><InstrId>RUN0001-R00000002</InstrId><EndToEndId>R00000002</EndToEndId></PmtId><Amt><InstdAmt Ccy="HKD">141.42</InstdAmt></Amt>');
    expect(flat).toContain('<CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>HKNCC</Cd></ClrSysId><MmbId>012</MmbId></ClrSysMmbId></FinInstnId><BrnchId><Id>345</Id></BrnchId></CdtrAgt>');
    expect(flat).toContain('<CdtrAcct><Id><Othr><Id>345678901</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id></CdtrAcct>');
    expect(xml).toContain('<Nm>KO, Ying "Candy" Yee &amp; 陳小明 &lt;x&gt;</Nm>');
    expect(xml).toContain('<ChrgBr>DEBT</ChrgBr>');
  });

  test('the schema check can fail: an id over 35 characters and a bad amount are refused', () => {
    const long = renderPain001(header(1, '4030.21'), [{ block: block(1, '4030.21'), transactions: [tx({ end_to_end_id: 'R'.repeat(36) })] }]);
    expect(validate(long, 'long.xml').ok).toBe(false);
    const amount = renderPain001(header(1, '4030.21'), [{ block: block(1, '4030.21'), transactions: [tx({ amount: '-1.00' })] }]);
    expect(validate(amount, 'amount.xml').output).toMatch(/InstdAmt/);
  });

  test('property: the streaming writer gives exactly the bytes of xmlbuilder2 alone, and they validate', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '&', '<', '>', '"', "'", '陳', '\u0001', '\n', '=', '\ud83d\ude00'), minLength: 1, maxLength: 60 });
    let n = 0;
    fc.assert(fc.property(fc.array(fc.record({ name: text, rmt: text, cents: fc.bigInt({ min: 1n, max: 99999999999n }) }), { minLength: 1, maxLength: 5 }), (rows) => {
      const txs = rows.map((r, i) => tx({
        end_to_end_id: `R${String(i + 1).padStart(8, '0')}`, instr_id: `RUN0001-R${i}`,
        amount: `${r.cents / 100n}.${String(r.cents % 100n).padStart(2, '0')}`,
        creditor_name: paymentText(r.name, 140) || 'X', remittance: paymentText(r.rmt, 140) || 'X',
      }));
      const sum = txs.reduce((s, t) => s + BigInt(t.amount.replace('.', '')), 0n);
      const ctrl = `${sum / 100n}.${String(sum % 100n).padStart(2, '0')}`;
      const whole = renderPain001(header(txs.length, ctrl), [{ block: block(txs.length, ctrl), transactions: txs }]);
      expect(streamed(header(txs.length, ctrl), block(txs.length, ctrl), txs)).toBe(whole);
      if (n++ < 15) expect(validate(whole, `p${n}.xml`)).toMatchObject({ ok: true });
    }), { numRuns: 200 });
  });

  test('payment text: controls and line breaks become spaces, at most 140 characters, a surrogate pair never split', () => {
    expect(paymentText(' A\u0001B\n\nC ', 140)).toBe('A B C');
    expect(paymentText('\u3000陳小明 ', 140)).toBe('陳小明');
    expect(paymentText('CHAN Tai Man', 140)).toBe('CHAN Tai Man');
    expect(Array.from(paymentText('😀'.repeat(200), 140))).toHaveLength(140);
    expect(paymentText('ab\ud800c', 140)).toBe('ab c');
  });
});
