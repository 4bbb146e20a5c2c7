/**
 * `ccass-batch pay` on the sample book (samples/ through the npm start arguments): every payment
 * file is schema-valid (xmllint), control sums and counts are right, and payment files + cheque
 * register + manual list equal refunds.csv and summary.json to the cent; no refund is paid twice.
 * Every figure is recomputed here from the files themselves, not taken from payment-run.json.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import Decimal from 'decimal.js';
import { copyInbox, readTree, ROOT, runCli, startScriptArgs, tempDir } from './unit/refund/cli-harness';
import { xmllintSchema } from './unit/treasury/xmllint';

type Row = Record<string, string>;
const csv = (file: string): Row[] => parse(readFileSync(file), { columns: true }) as Row[];
const temps: string[] = [];
const temp = (p: string) => {
  const d = tempDir(p);
  temps.push(d);
  return d;
};

let sampleWork: string;
beforeAll(async () => {
  sampleWork = temp('pay-sample-work');
  const inbox = temp('pay-sample-inbox');
  copyInbox(path.join(ROOT, 'samples/inbox'), inbox);
  const r = await runCli(startScriptArgs({ work: sampleWork, inbox }));
  expect(r.code).toBe(0);
}, 30_000);
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A fresh copy of the sample work folder (allocation done, nothing paid). */
function work(): string {
  const w = temp('pay-work');
  cpSync(sampleWork, w, { recursive: true });
  return w;
}

const DEBTOR = ['--debtor-account', '004-500-123456789', '--debtor-name', 'Registrar Refund Account'];
const pay = (w: string, out: string, ...more: string[]) =>
  runCli(['pay', '--work', w, '--out', out, ...DEBTOR, '--created-at', '2021-12-28T17:30:00+08:00', '--cheque-start', '000101', ...more]);

interface Tx { e2e: string; amount: string }
/** Reads a payment file back: header figures, block figures, transactions (regexes over our own pretty-printed XML). */
function readPain001(file: string) {
  const xml = readFileSync(file, 'utf8');
  const one = (re: RegExp) => re.exec(xml)![1]!;
  const txs: Tx[] = [...xml.matchAll(/<CdtTrfTxInf>[\s\S]*?<EndToEndId>([^<]+)<\/EndToEndId>[\s\S]*?<InstdAmt Ccy="HKD">([^<]+)<\/InstdAmt>[\s\S]*?<\/CdtTrfTxInf>/g)].map((m) => ({ e2e: m[1]!, amount: m[2]! }));
  return {
    header: { nb: one(/<GrpHdr>[\s\S]*?<NbOfTxs>(\d+)</), sum: one(/<GrpHdr>[\s\S]*?<CtrlSum>([^<]+)</) },
    block: { nb: one(/<PmtInf>[\s\S]*?<NbOfTxs>(\d+)</), sum: one(/<PmtInf>[\s\S]*?<CtrlSum>([^<]+)</), date: one(/<ReqdExctnDt>\s*<Dt>([^<]+)</) },
    txs,
    blocks: (xml.match(/<PmtInf>/g) ?? []).length,
  };
}
const sum = (amounts: string[]) => amounts.reduce((t, a) => t.plus(a), new Decimal(0)).toFixed(2);

describe('ccass-batch pay on the sample book', () => {
  test('per instruction: schema-valid, control sums right, payment file + cheques + manual list = refunds.csv = summary.json', async () => {
    const w = work();
    const out = path.join(temp('pay-out'), 'run1');
    const r = await pay(w, out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['cheque-register.csv', 'manual-refunds.csv', 'pain001-2021-12-29.xml', 'payment-run.json', 'remittance-advice.csv']);
    expect(xmllintSchema(path.join(out, 'pain001-2021-12-29.xml'))).toMatchObject({ ok: true });

    const p = readPain001(path.join(out, 'pain001-2021-12-29.xml'));
    const txSum = sum(p.txs.map((t) => t.amount));
    expect(p.blocks).toBe(1);
    expect(p.header).toEqual({ nb: String(p.txs.length), sum: txSum });
    expect(p.block).toEqual({ nb: String(p.txs.length), sum: txSum, date: '2021-12-29' });

    const refunds = csv(path.join(w, 'allocation/refunds.csv'));
    const summary = JSON.parse(readFileSync(path.join(w, 'allocation/summary.json'), 'utf8'));
    const cheques = csv(path.join(out, 'cheque-register.csv'));
    const manual = csv(path.join(out, 'manual-refunds.csv'));
    const advice = csv(path.join(out, 'remittance-advice.csv'));
    // Each refund exactly once, with its amount: transfers by end-to-end id, cheques, manual rows.
    const paid = new Map<string, string>([...p.txs.map((t): [string, string] => [t.e2e, t.amount]), ...cheques.map((c): [string, string] => [c.refund_ref!, c.amount!])]);
    expect(paid.size).toBe(p.txs.length + cheques.length);
    expect(new Set([...paid.keys(), ...manual.map((m) => m.refund_ref!)])).toEqual(new Set(refunds.map((r) => r.refund_ref)));
    for (const r of refunds.filter((x) => x.method !== 'MANUAL')) expect([r.refund_ref, paid.get(r.refund_ref!)]).toEqual([r.refund_ref, r.amount]);
    expect(p.txs.map((t) => refunds.find((r) => r.refund_ref === t.e2e)!.method).every((m) => m === 'DIRECT_CREDIT' || m === 'E_REFUND')).toBe(true);
    expect(cheques.map((c) => c.cheque_number)).toEqual(['000101', '000102', '000103', '000104', '000105', '000106', '000107', '000108']);
    expect(cheques.every((c) => c.address_line_1 === '' && c.address_line_4 === '')).toBe(true);
    // To the cent: payment file + cheque register = refunds.csv = summary.json; manual rows = manual_refunds.
    expect(new Decimal(txSum).plus(sum(cheques.map((c) => c.amount!))).toFixed(2)).toBe(sum(refunds.filter((r) => r.method !== 'MANUAL').map((r) => r.amount!)));
    expect(new Decimal(txSum).plus(sum(cheques.map((c) => c.amount!))).toFixed(2)).toBe(summary.money.total.amount_refunded);
    expect(manual).toHaveLength(summary.money.total.manual_refunds);
    expect(manual).toEqual(refunds.filter((r) => r.method === 'MANUAL'));
    // The remittance advice is the payment file, refund by refund.
    expect(advice.map((a) => [a.end_to_end_id, a.refund_ref, a.amount])).toEqual(p.txs.map((t) => [t.e2e, t.e2e, t.amount]));
    // refunds-summary.csv (the page treasury signed off) says the same per method.
    const page = csv(path.join(w, 'allocation/refunds-summary.csv'));
    const method = (m: string) => page.find((x) => x.group === 'method' && x.item === m)!;
    expect(new Decimal(method('DIRECT_CREDIT').amount!).plus(method('E_REFUND').amount!).toFixed(2)).toBe(txSum);
    expect(method('CHEQUE')).toMatchObject({ rows: String(cheques.length), amount: sum(cheques.map((c) => c.amount!)) });
    expect(method('MANUAL')).toMatchObject({ rows: String(manual.length), amount: '' });

    const run = JSON.parse(readFileSync(path.join(out, 'payment-run.json'), 'utf8'));
    expect(run.ledger).toMatchObject({ issued: { refunds: 72, amount: summary.money.total.amount_refunded }, not_yet_issued: { refunds: 0, amount: '0.00' }, manual_listed: 1 });
    expect(r.stdout).toContain('pain001-2021-12-29.xml: 64 transactions for 64 refunds, HK$781,226,611.67, value date 2021-12-29');
  });

  test('batched per participant: one credit per CCASS participant, the advice adds up to each, e-Refunds one by one', async () => {
    const w = work();
    const out = path.join(temp('pay-out'), 'batched');
    const r = await pay(w, out, '--batch-by', 'participant', '--debtor-agent', 'HSBCHKHHHKH');
    expect(r.code).toBe(0);
    const file = path.join(out, 'pain001-2021-12-29.xml');
    expect(xmllintSchema(file)).toMatchObject({ ok: true });
    const p = readPain001(file);
    const refunds = csv(path.join(w, 'allocation/refunds.csv'));
    const advice = csv(path.join(out, 'remittance-advice.csv'));
    const direct = refunds.filter((x) => x.method === 'DIRECT_CREDIT');
    const participants = [...new Set(direct.map((x) => x.participant_id))];
    const eRefunds = refunds.filter((x) => x.method === 'E_REFUND');
    expect(p.txs).toHaveLength(participants.length + eRefunds.length);
    expect(p.header).toEqual({ nb: String(p.txs.length), sum: sum(p.txs.map((t) => t.amount)) });
    for (const id of participants) {
      const e2e = `0020-RUN0001-${id}`;
      const tx = p.txs.find((t) => t.e2e === e2e)!;
      expect(tx.amount).toBe(sum(direct.filter((x) => x.participant_id === id).map((x) => x.amount!)));
      expect(sum(advice.filter((a) => a.end_to_end_id === e2e).map((a) => a.amount!))).toBe(tx.amount);
    }
    expect(advice.map((a) => a.refund_ref).sort()).toEqual([...direct, ...eRefunds].map((x) => x.refund_ref).sort());
    expect(readFileSync(file, 'utf8')).toContain('<BICFI>HSBCHKHHHKH</BICFI>');
  });

  test('never twice: a second run refuses, writing nothing; a returned refund is issued again, an e-Refund by cheque', async () => {
    const w = work();
    const base = temp('pay-out');
    expect((await pay(w, path.join(base, 'run1'))).code).toBe(0);
    const ledgerBefore = readTree(path.join(w, 'treasury'));

    const again = await pay(w, path.join(base, 'again'));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/nothing to pay: all 72 automatic refunds of refunds.csv are issued already.*--returned/);
    expect(existsSync(path.join(base, 'again'))).toBe(false);
    const refs = path.join(base, 'refs.csv');
    writeFileSync(refs, 'refund_ref\nR00000003\n');
    const asked = await pay(w, path.join(base, 'again'), '--refs', refs);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/R00000003 was issued in payment run 1/);
    const manual = path.join(base, 'manual.csv');
    writeFileSync(manual, 'refund_ref\nM00000001\n');
    expect((await pay(w, path.join(base, 'again'), '--returned', manual)).stderr).toMatch(/M00000001 is a manual refund/);
    expect(readTree(path.join(w, 'treasury'))).toEqual(ledgerBefore);

    const returned = path.join(base, 'returned.csv');
    writeFileSync(returned, 'refund_ref,reason\nR00000003,AC04 closed account\nR00000061,AC01\n');
    const reissue = await pay(w, path.join(base, 'run2'), '--returned', returned, '--value-date', '2022-01-06', '--cheque-start', '000201');
    expect(reissue.stderr).toBe('');
    expect(reissue.code).toBe(0);
    const p = readPain001(path.join(base, 'run2/pain001-2022-01-06.xml'));
    expect(p.txs).toEqual([{ e2e: 'R00000003', amount: '4030.21' }]);
    expect(readFileSync(path.join(base, 'run2/pain001-2022-01-06.xml'), 'utf8')).toContain('<MsgId>0020-20220106-RUN0002</MsgId>');
    expect(csv(path.join(base, 'run2/cheque-register.csv')).map((c) => [c.cheque_number, c.refund_ref, c.amount, c.value_date])).toEqual([['000201', 'R00000061', '5143463.60', '2022-01-06']]);
    expect(csv(path.join(base, 'run2/manual-refunds.csv'))).toEqual([]);
    const events = csv(path.join(w, 'treasury/runs/0002/events.csv'));
    expect(events.map((e) => [e.event, e.refund_ref, e.method, e.note])).toEqual([
      ['RETURNED', 'R00000003', 'DIRECT_CREDIT', 'AC04 closed account'], ['ISSUED', 'R00000003', 'DIRECT_CREDIT', ''],
      ['RETURNED', 'R00000061', 'E_REFUND', 'AC01'], ['ISSUED', 'R00000061', 'CHEQUE', ''],
    ]);
    const run2 = JSON.parse(readFileSync(path.join(base, 'run2/payment-run.json'), 'utf8'));
    expect(run2.ledger).toMatchObject({ issued: { refunds: 72 }, returned_to_date: { refunds: 2, amount: '5147493.81' } });
  });

  test('a run of chosen refunds (--refs): a cheque and a manual refund alone write no payment file; the rest stays to pay', async () => {
    const w = work();
    const base = temp('pay-out');
    const refs = path.join(base, 'refs.csv');
    writeFileSync(refs, 'refund_ref\nR00000062\nM00000001\n');
    const r = await pay(w, path.join(base, 'run1'), '--refs', refs, '--cheque-start', '9', '--cheque-end', '9');
    expect(r.stderr).toBe('');
    expect(readdirSync(path.join(base, 'run1')).sort()).toEqual(['cheque-register.csv', 'manual-refunds.csv', 'payment-run.json', 'remittance-advice.csv']);
    expect(csv(path.join(base, 'run1/cheque-register.csv')).map((c) => [c.cheque_number, c.refund_ref, c.payee_name, c.amount])).toEqual([['9', 'R00000062', '梁朝偉', '20151.04']]);
    expect(csv(path.join(base, 'run1/manual-refunds.csv')).map((m) => m.refund_ref)).toEqual(['M00000001']);
    expect(r.stdout).toContain('no payment file: nothing in this run is paid by transfer');
    // The next run pays the other 71 and lists no manual refund again; the cheque range is checked.
    expect((await pay(w, path.join(base, 'run2'), '--cheque-start', '10', '--cheque-end', '15')).stderr).toMatch(/cheque numbers 10-15 run out at R00000072/);
    const rest = await pay(w, path.join(base, 'run2'), '--cheque-start', '10', '--cheque-end', '16');
    expect(rest.code).toBe(0);
    expect(csv(path.join(base, 'run2/manual-refunds.csv'))).toEqual([]);
    expect(csv(path.join(base, 'run2/cheque-register.csv')).map((c) => c.cheque_number)).toEqual(['10', '11', '12', '13', '14', '15', '16']);
    expect(JSON.parse(readFileSync(path.join(base, 'run2/payment-run.json'), 'utf8')).ledger).toMatchObject({ issued: { refunds: 72, amount: '785907167.10' }, not_yet_issued: { refunds: 0 }, manual_listed: 1 });
  });

  test('a returned batched credit is named by its end-to-end id: every refund under it is issued again', async () => {
    const w = work();
    const base = temp('pay-out');
    expect((await pay(w, path.join(base, 'run1'), '--batch-by', 'participant')).code).toBe(0);
    const returned = path.join(base, 'returned.csv');
    writeFileSync(returned, 'refund_ref\n0020-RUN0001-BRK002\n');
    const r = await pay(w, path.join(base, 'run2'), '--returned', returned, '--batch-by', 'participant', '--value-date', '2022-01-06');
    expect(r.stderr).toBe('');
    const refunds = csv(path.join(w, 'allocation/refunds.csv')).filter((x) => x.participant_id === 'BRK002' && x.method !== 'MANUAL');
    const p = readPain001(path.join(base, 'run2/pain001-2022-01-06.xml'));
    expect(p.txs).toEqual([{ e2e: '0020-RUN0002-BRK002', amount: sum(refunds.map((x) => x.amount!)) }]);
    expect(csv(path.join(base, 'run2/remittance-advice.csv')).map((a) => a.refund_ref)).toEqual(refunds.map((x) => x.refund_ref));
  });

  test('interrupted after the run was recorded: every other pay refuses; --resume writes the same bytes again', async () => {
    const w = work();
    const base = temp('pay-out');
    const out = path.join(base, 'run1');
    expect((await pay(w, out)).code).toBe(0);
    const written = readTree(out);
    // The state a crash between recording the run and renaming its files leaves.
    rmSync(out, { recursive: true });
    rmSync(path.join(w, 'treasury/runs/0001/complete.json'));
    const blocked = await pay(w, path.join(base, 'other'));
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/payment run 1 was interrupted.*--resume/);
    expect((await runCli(['pay', '--work', w, '--resume', '--out', out])).code).toBe(2);
    const resumed = await runCli(['pay', '--work', w, '--resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(readTree(out)).toEqual(written);
    expect(existsSync(path.join(w, 'treasury/runs/0001/complete.json'))).toBe(true);
  });

  test('only a final allocation is paid from: no manifest, or a refunds.csv that is not the one written, is refused', async () => {
    const w = work();
    const out = path.join(temp('pay-out'), 'x');
    const file = path.join(w, 'allocation/refunds.csv');
    writeFileSync(file, readFileSync(file, 'utf8').replace('4030.21', '4030.22'));
    const tampered = await pay(w, out);
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toMatch(/refunds\.csv is not the file the allocation wrote/);
    rmSync(path.join(w, 'allocation/manifest.json'));
    expect((await pay(w, out)).stderr).toMatch(/manifest\.json is missing: no final allocation/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(path.join(w, 'treasury'))).toBe(false);
  });

  test('a ledger of payments from another refunds.csv (the allocation changed since) stops every further run', async () => {
    const w = work();
    const base = temp('pay-out');
    expect((await pay(w, path.join(base, 'run1'))).code).toBe(0);
    // A re-allocation at another price: every refund reference now names another amount.
    const again = await runCli(['allocate', '--offering', path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json'), '--participants', path.join(ROOT, 'samples/participants.csv'), '--work', w, '--final-price', '3.90', '--seed', 'samples-2021', '--supersede', '--reason', 'price corrected after payment']);
    expect(again.code).toBe(0);
    const r = await pay(w, path.join(base, 'run2'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/payment run 1 paid from another refunds\.csv.*reconcile those payments by hand/);
  });

  test('the same work folder and options give the same bytes', async () => {
    const [a, b] = [path.join(temp('pay-out'), 'a'), path.join(temp('pay-out'), 'b')];
    expect((await pay(work(), a)).code).toBe(0);
    expect((await pay(work(), b)).code).toBe(0);
    expect(readTree(a).size).toBe(5);
    expect(readTree(a)).toEqual(readTree(b));
  });
});

describe('an offering without after_close dates', () => {
  test('refunds.csv has no value date, and pay refuses until one is given', async () => {
    const dir = temp('pay-undated');
    const offering = JSON.parse(readFileSync(path.join(ROOT, 'samples/offerings/0020-sensetime-2021.json'), 'utf8'));
    delete offering.timetable.after_close;
    const offeringFile = path.join(dir, 'offering.json');
    writeFileSync(offeringFile, JSON.stringify(offering));
    const inbox = path.join(dir, 'inbox');
    copyInbox(path.join(ROOT, 'samples/inbox'), inbox);
    const w = path.join(dir, 'work');
    const args = startScriptArgs({ work: w, inbox });
    args[args.indexOf('--offering') + 1] = offeringFile;
    expect((await runCli(args)).code).toBe(0);
    expect(csv(path.join(w, 'allocation/refunds.csv')).every((r) => r.value_date === '' && r.currency === 'HKD')).toBe(true);
    const refused = await pay(w, path.join(dir, 'out'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/has no value date: the offering sets no timetable\.after_close\.refund_dispatch/);
    const given = await pay(w, path.join(dir, 'out'), '--value-date', '2021-12-30');
    expect(given.code).toBe(0);
    expect(xmllintSchema(path.join(dir, 'out/pain001-2021-12-30.xml'))).toMatchObject({ ok: true });
  }, 30_000);
});
