/**
 * The refund ledger's totals (docs/treasury.md): rows and amounts per method, per channel, per
 * reason and in all, as published in manifest.json (`refunds`) and on the one page treasury signs
 * off (refunds-summary.csv). A MANUAL row counts as a row everywhere and as no amount anywhere:
 * its amount is not known until the registrar establishes it by hand.
 */
import { CHANNELS } from '../domain/types';
import { Decimal, formatMoney } from '../money/money';
import { parseCents } from '../money/cents';
import { Cents, CentsSum } from './compact-settlement';
import { InvariantError } from '../domain/errors';
import { CsvRow, REFUNDS_SUMMARY_COLUMNS } from './output-columns';
import type { MoneyReconciliation } from './reconcile';
import { REFUND_METHODS, RefundLedgerContext, RefundRow } from './refunds';

/** The refund reasons every summary lists (zeros included); any other reason found is added after them. */
const STANDARD_REASONS = ['REJECTED', 'UNSUCCESSFUL', 'PARTIAL', 'PRICE_ADJUSTMENT'] as const;

export interface RowsAndAmount {
  rows: number;
  /** Two decimals; MANUAL rows add nothing (and the MANUAL method's own amount is null: not known). */
  amount: string | null;
}

export interface RefundTotals {
  currency: string;
  /** The refunds' value date, null when the offering sets no refund dispatch date. */
  value_date: string | null;
  /** Every row of refunds.csv, MANUAL ones included (their amount is not in `amount`). */
  rows: number;
  amount: string;
  by_method: Record<string, RowsAndAmount>;
  by_channel: Record<string, RowsAndAmount>;
  by_reason: Record<string, RowsAndAmount>;
}

type Sum = { rows: number; amount: CentsSum };

function add(map: Map<string, Sum>, key: string, amount: Cents | null): void {
  let s = map.get(key);
  if (s === undefined) map.set(key, (s = { rows: 0, amount: new CentsSum() }));
  s.rows += 1;
  if (amount !== null) s.amount.add(amount);
}

function ordered(map: Map<string, Sum>, first: readonly string[], unknown: readonly string[] = []): Record<string, RowsAndAmount> {
  const rest = [...map.keys()].filter((k) => !first.includes(k)).sort();
  return Object.fromEntries([...first, ...rest].map((k) => {
    const s = map.get(k);
    return [k, { rows: s?.rows ?? 0, amount: unknown.includes(k) ? null : s?.amount.text() ?? '0.00' }];
  }));
}

/** RefundTotalsAccumulator's sums as plain data: per key its rows and cents (as text). */
export interface SerializedRefundTotals {
  rows: number;
  total: string;
  byMethod: [string, number, string][];
  byChannel: [string, number, string][];
  byReason: [string, number, string][];
}

/**
 * The ledger's totals, row by row as they are written (a streamed refunds.csv adds its rows here
 * one at a time; totalRefunds adds a list). Amounts in exact cents.
 */
export class RefundTotalsAccumulator {
  private readonly byMethod = new Map<string, Sum>();
  private readonly byChannel = new Map<string, Sum>();
  private readonly byReason = new Map<string, Sum>();
  private readonly total = new CentsSum();
  private rows = 0;

  /** One row: its method, channel and reason as written, its amount in cents (null for MANUAL). */
  add(method: string, channel: string, reason: string, amount: Cents | null): void {
    if (amount !== null) this.total.add(amount);
    add(this.byMethod, method, amount);
    add(this.byChannel, channel, amount);
    add(this.byReason, reason, amount);
    this.rows += 1;
  }

  /** The sums as plain data (they cross threads: pass 2 renders half the book on another). */
  serialize(): SerializedRefundTotals {
    const out = (m: Map<string, Sum>) => [...m.entries()].map(([k, s]): [string, number, string] => [k, s.rows, String(s.amount.value())]);
    return { rows: this.rows, total: String(this.total.value()), byMethod: out(this.byMethod), byChannel: out(this.byChannel), byReason: out(this.byReason) };
  }

  /** Adds another accumulator's sums (serialize). */
  merge(o: SerializedRefundTotals): void {
    const into = (m: Map<string, Sum>, entries: [string, number, string][]) => {
      for (const [k, rows, cents] of entries) {
        let s = m.get(k);
        if (s === undefined) m.set(k, (s = { rows: 0, amount: new CentsSum() }));
        s.rows += rows;
        s.amount.add(BigInt(cents));
      }
    };
    into(this.byMethod, o.byMethod);
    into(this.byChannel, o.byChannel);
    into(this.byReason, o.byReason);
    this.total.add(BigInt(o.total));
    this.rows += o.rows;
  }

  totals(ctx: RefundLedgerContext): RefundTotals {
    return {
      currency: ctx.currency,
      value_date: ctx.value_date,
      rows: this.rows,
      amount: this.total.text(),
      by_method: ordered(this.byMethod, REFUND_METHODS, ['MANUAL']),
      by_channel: ordered(this.byChannel, CHANNELS),
      by_reason: ordered(this.byReason, STANDARD_REASONS),
    };
  }
}

export function totalRefunds(rows: readonly RefundRow[], ctx: RefundLedgerContext): RefundTotals {
  const acc = new RefundTotalsAccumulator();
  for (const r of rows) {
    const amount = r.method === 'MANUAL' ? null : parseCents(r.amount);
    if (r.method !== 'MANUAL' && amount === null) throw new InvariantError(`refund ${r.refund_ref}: amount ${r.amount} is not an amount`);
    acc.add(r.method, r.channel, r.reason, amount);
  }
  return acc.totals(ctx);
}

export type RefundsSummaryRow = CsvRow<typeof REFUNDS_SUMMARY_COLUMNS>;

/**
 * refunds-summary.csv: the ledger's totals and, beside them, summary.json's money section, so the
 * page itself shows that they tie: refunds.csv amount = amount_refunded = amount_paid -
 * amount_kept, and MANUAL rows = manual_refunds. Throws InvariantError if they do not (never a file).
 */
export function buildRefundsSummaryRows(t: RefundTotals, money: MoneyReconciliation, offeringName: string): RefundsSummaryRow[] {
  const m = money.total;
  const manualRows = t.by_method.MANUAL?.rows ?? 0;
  if (t.amount !== m.amount_refunded || manualRows !== m.manual_refunds) {
    throw new InvariantError(`refunds.csv totals ${t.amount} (${manualRows} manual) differ from summary.json ${m.amount_refunded} (${m.manual_refunds} manual)`);
  }
  const row = (group: string, item: string, rows: number | '', amount: string): RefundsSummaryRow => ({ group, item, rows: String(rows), amount });
  const groups = (group: string, sums: Record<string, RowsAndAmount>) =>
    Object.entries(sums).map(([item, s]) => row(group, item, s.rows, s.amount ?? ''));
  const check = new Decimal(m.amount_paid).minus(m.amount_kept).minus(t.amount);
  return [
    row('offering', offeringName, '', ''),
    row('currency', t.currency, '', ''),
    row('value_date', t.value_date ?? '', '', ''),
    ...groups('method', t.by_method),
    ...groups('channel', t.by_channel),
    ...groups('reason', t.by_reason),
    row('total', 'refunds.csv', t.rows, t.amount),
    row('summary.json', 'amount_paid', '', m.amount_paid),
    row('summary.json', 'amount_kept', '', m.amount_kept),
    row('summary.json', 'amount_refunded', '', m.amount_refunded),
    row('summary.json', 'manual_refunds', m.manual_refunds, ''),
    row('check', 'amount_paid - amount_kept - refunds.csv amount', '', formatMoney(check)),
  ];
}
