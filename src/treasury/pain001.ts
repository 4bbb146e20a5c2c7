/**
 * ISO 20022 customer credit transfer initiation, pain.001.001.09 (schemas/iso20022/; the mapping
 * is in docs/treasury.md): a group header, one payment information block per value date, one
 * credit transfer per refund (or per participant when batched).
 *
 * Built with xmlbuilder2 from plain objects (creditTransferObject and friends). A million
 * transactions through xmlbuilder2 take minutes (about 10 microseconds an element), so the
 * streaming writer compiles each shape once with xmlbuilder2 (placeholders where the values go)
 * and per transaction only substitutes escaped text. renderPain001 builds a whole document with
 * xmlbuilder2 alone; a test checks that both give the same bytes. Pure.
 */
import { create, fragment } from 'xmlbuilder2';
import { InvariantError } from '../domain/errors';
import { bankAccountId, HK_CLEARING_SYSTEM, HkAccount } from './hk-account';

export const PAIN001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

export interface DebtorParty {
  name: string;
  account: HkAccount;
  /** The debtor agent's BIC when given (`--debtor-agent`); the bank code is always given too. */
  bic: string | null;
}

export interface GroupHeader {
  msg_id: string;
  /** ISO 8601 date-time with offset, e.g. `2021-12-28T17:30:00+08:00`. */
  created_at: string;
  nb_of_txs: number;
  /** Two decimals. */
  ctrl_sum: string;
  initiating_party: string;
}

export interface PaymentBlock {
  pmt_inf_id: string;
  /** `YYYY-MM-DD`: the requested execution date. */
  value_date: string;
  nb_of_txs: number;
  ctrl_sum: string;
  currency: string;
  debtor: DebtorParty;
}

export interface CreditTransfer {
  instr_id: string;
  end_to_end_id: string;
  /** Two decimals. */
  amount: string;
  currency: string;
  creditor_name: string;
  creditor_account: HkAccount;
  remittance: string;
}

type XmlObject = Record<string, unknown>;

/** The bank: its Hong Kong bank code in the clearing, and the branch. */
function agentObject(account: HkAccount, bic: string | null): XmlObject {
  return {
    FinInstnId: {
      ...(bic ? { BICFI: bic } : {}),
      ClrSysMmbId: { ClrSysId: { Cd: HK_CLEARING_SYSTEM }, MmbId: account.bank_code },
    },
    BrnchId: { Id: account.branch_code },
  };
}

function accountObject(account: HkAccount, currency: string | null): XmlObject {
  return {
    Id: { Othr: { Id: bankAccountId(account), SchmeNm: { Cd: 'BBAN' } } },
    ...(currency ? { Ccy: currency } : {}),
  };
}

export function creditTransferObject(tx: CreditTransfer): XmlObject {
  return {
    PmtId: { InstrId: tx.instr_id, EndToEndId: tx.end_to_end_id },
    Amt: { InstdAmt: { '@Ccy': tx.currency, '#': tx.amount } },
    CdtrAgt: agentObject(tx.creditor_account, null),
    Cdtr: { Nm: tx.creditor_name },
    CdtrAcct: accountObject(tx.creditor_account, null),
    RmtInf: { Ustrd: tx.remittance },
  };
}

function groupHeaderObject(h: GroupHeader): XmlObject {
  return {
    MsgId: h.msg_id,
    CreDtTm: h.created_at,
    NbOfTxs: String(h.nb_of_txs),
    CtrlSum: h.ctrl_sum,
    InitgPty: { Nm: h.initiating_party },
  };
}

/** A payment block; its transactions are `transactions`, or a marker comment where they will go. */
function paymentBlockObject(b: PaymentBlock, transactions: XmlObject[] | string): XmlObject {
  return {
    PmtInfId: b.pmt_inf_id,
    PmtMtd: 'TRF',
    NbOfTxs: String(b.nb_of_txs),
    CtrlSum: b.ctrl_sum,
    ReqdExctnDt: { Dt: b.value_date },
    Dbtr: { Nm: b.debtor.name },
    DbtrAcct: accountObject(b.debtor.account, b.currency),
    DbtrAgt: agentObject(b.debtor.account, b.debtor.bic),
    // The debtor (the registrar's refund account) bears all charges: every refund arrives in full.
    ChrgBr: 'DEBT',
    ...(typeof transactions === 'string' ? { '!': transactions } : { CdtTrfTxInf: transactions }),
  };
}

function documentText(header: GroupHeader, blocks: XmlObject[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(PAIN001_NAMESPACE, 'Document').ele('CstmrCdtTrfInitn');
  doc.ele({ GrpHdr: groupHeaderObject(header) });
  for (const b of blocks) doc.ele({ PmtInf: b });
  return doc.end({ prettyPrint: true }) + '\n';
}

/** A whole payment file through xmlbuilder2 alone (small files and tests). */
export function renderPain001(header: GroupHeader, blocks: readonly { block: PaymentBlock; transactions: readonly CreditTransfer[] }[]): string {
  return documentText(header, blocks.map((b) => paymentBlockObject(b.block, b.transactions.map(creditTransferObject))));
}

/** XML text content as xmlbuilder2 escapes it. */
function escapeText(text: string): string {
  return MARKUP.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
}
const MARKUP = /[&<>]/;

const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = new RegExp(`${OPEN}([0-9]+)${CLOSE}`);
/** CdtTrfTxInf's depth: Document > CstmrCdtTrfInitn > PmtInf > CdtTrfTxInf. */
const TRANSACTION_DEPTH = 3;

type Filler = (tx: CreditTransfer) => string[];

/** The streaming writer's pieces: envelope parts around each block's transactions, and one transaction's text. */
export class Pain001Template {
  private readonly parts: string[];
  private readonly slots: number[];
  private readonly values: Filler;

  constructor() {
    // Every value a transaction carries, in a fixed order; the shape is rendered once with placeholders.
    const fields: ((tx: CreditTransfer) => string)[] = [
      (t) => t.instr_id, (t) => t.end_to_end_id, (t) => t.currency, (t) => t.amount,
      (t) => t.creditor_account.bank_code, (t) => t.creditor_account.branch_code,
      (t) => t.creditor_name, (t) => bankAccountId(t.creditor_account), (t) => t.remittance,
    ];
    const p = (n: number) => `${OPEN}${n}${CLOSE}`;
    const shape: CreditTransfer = {
      instr_id: p(0), end_to_end_id: p(1), currency: p(2), amount: p(3),
      creditor_account: { bank_code: p(4), branch_code: p(5), account_number: '' },
      creditor_name: p(6), remittance: p(8),
    };
    const obj = creditTransferObject(shape);
    // The account id is computed from the account (branch + number): put its placeholder in directly.
    ((obj.CdtrAcct as XmlObject).Id as { Othr: { Id: string } }).Othr.Id = p(7);
    const text = fragment().ele({ CdtTrfTxInf: obj }).end({ prettyPrint: true, offset: TRANSACTION_DEPTH }) + '\n';
    const pieces = text.split(PLACEHOLDER);
    this.parts = pieces.filter((_, i) => i % 2 === 0);
    this.slots = pieces.filter((_, i) => i % 2 === 1).map(Number);
    if (this.slots.length !== fields.length) throw new InvariantError(`pain.001 template has ${this.slots.length} slots for ${fields.length} values`);
    this.values = (tx) => fields.map((f) => f(tx));
  }

  /** One CdtTrfTxInf element with its line end, indented as inside a PmtInf. */
  transaction(tx: CreditTransfer): string {
    const values = this.values(tx);
    let out = this.parts[0]!;
    for (let i = 0; i < this.slots.length; i++) out += escapeText(values[this.slots[i]!]!) + this.parts[i + 1]!;
    return out;
  }

  /**
   * The document without its transactions: parts[i] comes before block i's transactions and
   * parts[blocks.length] after the last; concatenated with transaction() texts in between, it is
   * byte for byte renderPain001's document.
   */
  envelope(header: GroupHeader, blocks: readonly PaymentBlock[]): string[] {
    const marker = (i: number) => `TXS:${i}`;
    const text = documentText(header, blocks.map((b, i) => paymentBlockObject(b, marker(i))));
    const parts: string[] = [];
    let rest = text;
    blocks.forEach((_, i) => {
      const m = new RegExp(`^[ ]*<!--${marker(i)}-->\\n`, 'm').exec(rest);
      if (!m) throw new InvariantError(`pain.001 envelope lost the place of block ${i}'s transactions`);
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    });
    parts.push(rest);
    return parts;
  }
}
