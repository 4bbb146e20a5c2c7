/**
 * Served = files, the pure half: what one application of the allocation's files should look like
 * on the results site, worked out from the files' own rows (results.csv, its refunds.csv rows,
 * its certificates.csv row, summary.json's manual refunds), and the comparison of that with the
 * application as `GET /api/results` answers it, field by field. The streaming over the files is
 * pipeline/verify-site.ts; this file never sees the index, only the answer. Pure.
 *
 * Nothing here prints an identity number in full: a difference names the document masked as the
 * site masks it (domain/mask.ts).
 */
import { maskIdentity } from '../domain/mask';
import type { IndexedRefund } from './results-index';
import type { ApplicationView, LookupAnswer, LookupContext } from './lookup-response';
import { NO_REFUND, placeRefunds, UNDETERMINED } from './refund-matching';
import { channelWords, refundWords, sharesDeliveryWords, statusWords } from './result-wording';

/** The refund of one application as the files say it: the very kinds the site's index holds. */
export type FileRefund = IndexedRefund;

/** One refunds.csv row of an application's reference, as read. */
export interface FileRefundRow {
  method: string;
  amount: string;
  reason: string;
  /** refunds.csv `file_seq` and `line` when the file has them, else null. */
  fileSeq: number | null;
  line: number | null;
  /** Position in refunds.csv (0-based data row). */
  order: number;
}

/** One results.csv row with what the other files say of it. */
export interface FileApplication {
  /** Line of results.csv (1-based, the header is line 1). */
  line: number;
  participant_id: string;
  instruction_ref: string;
  channel: string;
  /** The applicants' documents, normalised (`HKID:A1234563`), empty entries left out. */
  documents: string[];
  pool: string;
  shares_applied: string;
  shares_allotted: string;
  status: string;
  reason_code: string;
  refund: FileRefund;
  /** certificates.csv `delivery` of a WHITE_FORM application with shares allotted; null otherwise or when it has no row. */
  certificate_delivery: string | null;
}

/** One difference between the site's answer and the files. */
export interface ServedMismatch {
  /** Line of results.csv, or null for a difference of the files as a whole. */
  line: number | null;
  /** Document type and number, the number masked as the site masks it; null when no document is involved. */
  id_type: string | null;
  id: string | null;
  /** The field of the answer (`refund.amount`, `shares_allotted`, `text.status`, ...) or what was counted. */
  field: string;
  file: string;
  served: string;
}

const MONEY = /^(0|[1-9][0-9]*)\.[0-9]{2}$/;
const WHOLE = /^(0|[1-9][0-9]*)$/;
const MANUAL_METHOD = 'MANUAL';

/** The refund a single refunds.csv row gives: PAID with its figures, or MANUAL when its amount is not money (a MANUAL row). */
function refundOfRow(r: FileRefundRow): FileRefund {
  if (MONEY.test(r.amount)) return { kind: 'PAID', amount: r.amount, method: r.method, reason: r.reason };
  return r.method === MANUAL_METHOD ? { kind: 'MANUAL' } : { kind: 'PAID', amount: r.amount, method: r.method, reason: r.reason };
}

/**
 * The refund of each row of one reference (one row, or several when the reference was reused),
 * from that reference's refunds.csv rows and how many times summary.json `manual_refunds` lists
 * it, as docs/publish.md says: a single row takes its refund; a reused reference's refunds are
 * placed in their order (`file_seq`, `line` when present) on the rows whose status fits
 * (refund-matching.ts, the documented rule), rows the files leave open being UNDETERMINED; a
 * listed manual refund goes to the rejected rows still without one. `faults` gets what cannot be
 * placed at all (the site refuses such files).
 */
export function refundsOfReference(statuses: readonly string[], rows: readonly FileRefundRow[], manualListed: number, faults: string[]): FileRefund[] {
  const out: FileRefund[] = statuses.map(() => ({ kind: 'NONE' }));
  if (statuses.length === 1) {
    if (rows.length > 1) faults.push(`${rows.length} refunds for one application`);
    if (rows.length >= 1) out[0] = refundOfRow(rows[0]!);
  } else if (rows.length > 0) {
    const exact = rows.every((r) => r.fileSeq !== null && r.line !== null);
    const ordered = [...rows].sort((a, b) => (exact ? a.fileSeq! - b.fileSeq! || a.line! - b.line! : a.order - b.order));
    const placement = placeRefunds(statuses, ordered.map((r) => r.reason));
    if (placement === null) faults.push(`${rows.length} refunds that do not fit the ${statuses.length} applications of the reference`);
    else placement.forEach((p, i) => {
      if (p === UNDETERMINED) out[i] = { kind: 'UNDETERMINED' };
      else if (p !== NO_REFUND) out[i] = refundOfRow(ordered[p]!);
    });
  }
  if (manualListed > 0) {
    const already = out.filter((r) => r.kind === 'MANUAL').length;
    if (already < manualListed) {
      const open = statuses.map((s, i) => (s === 'REJECTED' && out[i]!.kind === 'NONE' ? i : -1)).filter((i) => i >= 0);
      if (open.length === 0) faults.push('a manual refund in summary.json for a reference without a rejected application lacking a refund');
      const kind = open.length === manualListed - already ? 'MANUAL' : 'UNDETERMINED';
      for (const i of open) out[i] = { kind };
    }
  }
  return out;
}

const VIEW_KEYS = 'channel,participant_id,applicant,applicants,pool,shares_applied,shares_allotted,status,reason_code,refund,shares_delivery,text';
const REFUND_KEYS = 'status,amount,method,reason,dispatch_by';
const DELIVERY_KEYS = 'delivery,dispatch_by';
const TEXT_KEYS = 'channel,status,refund,shares';
const BODY_KEYS = 'id_type,id,applications';

type Value = string | number | null | undefined;

function shown(v: Value): string {
  if (v === undefined) return '(absent)';
  if (v === null) return 'null';
  return typeof v === 'number' ? String(v) : JSON.stringify(v.length > 120 ? `${v.slice(0, 120)}…` : v);
}

/** `HKID:A1234563` -> `{ id_type: 'HKID', id: 'A1*****3' }`: the document as a difference may name it. */
export function maskedDocument(document: string): { id_type: string; id: string } {
  const colon = document.indexOf(':');
  return { id_type: colon < 0 ? '' : document.slice(0, colon), id: maskIdentity(colon < 0 ? document : document.slice(colon + 1)) };
}

/** Counts fields compared and collects differences (all counted, the first `keep` described). */
export class ServedComparison {
  fields = 0;
  mismatches = 0;
  readonly first: ServedMismatch[] = [];

  constructor(private readonly keep = 10) {}

  /** Records a difference that is not one field of one answer. */
  add(m: ServedMismatch): void {
    this.mismatches += 1;
    if (this.first.length < this.keep) this.first.push(m);
  }

  private check(at: { line: number | null; document: string | null }, field: string, file: Value, served: Value): void {
    this.fields += 1;
    if (file === served) return;
    const d = at.document === null ? { id_type: null, id: null } : maskedDocument(at.document);
    this.add({ line: at.line, ...d, field, file: shown(file), served: shown(served) });
  }

  /**
   * The envelope of a 200 answer for a document: status, `id_type`, `id` masked as the site masks
   * it, and no field besides `id_type`, `id` and `applications`. False when it is not a 200.
   */
  envelope(document: string, line: number, answer: LookupAnswer): boolean {
    const at = { line, document };
    const { id_type, id } = maskedDocument(document);
    this.check(at, 'status code', 200, answer.statusCode);
    if (answer.statusCode !== 200) return false;
    this.check(at, '(answer fields)', BODY_KEYS, Object.keys(answer.body).join(','));
    this.check(at, 'id_type', id_type, answer.body.id_type as Value);
    this.check(at, 'id', id, answer.body.id as Value);
    return true;
  }

  /**
   * One application as served under `document`, standing at `position` among the application's
   * documents, against the files. `ctx` gives the offering's dispatch dates (the site's context).
   */
  application(a: FileApplication, document: string, position: number, view: ApplicationView, ctx: Pick<LookupContext, 'refund_dispatch' | 'certificate_dispatch'>): void {
    const at = { line: a.line, document };
    const check = (field: string, file: Value, served: Value) => this.check(at, field, file, served);
    check('(application fields)', VIEW_KEYS, Object.keys(view).join(','));
    check('channel', a.channel, view.channel);
    check('participant_id', a.participant_id, view.participant_id);
    check('applicant', position === 0 ? 'FIRST' : 'JOINT', view.applicant);
    check('applicants', a.documents.length, view.applicants);
    check('pool', a.pool === '' ? null : a.pool, view.pool);
    check('shares_applied', a.shares_applied, view.shares_applied);
    const allotted = WHOLE.test(a.shares_allotted) ? Number(a.shares_allotted) : a.shares_allotted;
    check('shares_allotted', allotted, view.shares_allotted);
    check('status', a.status, view.status);
    check('reason_code', a.reason_code === '' ? null : a.reason_code, view.reason_code);

    const r = a.refund;
    const paid = r.kind === 'PAID' ? r : null;
    const refund = view.refund as Partial<ApplicationView['refund']> | undefined;
    check('(refund fields)', REFUND_KEYS, refund ? Object.keys(refund).join(',') : undefined);
    check('refund.status', r.kind, refund?.status);
    check('refund.amount', paid?.amount ?? null, refund?.amount);
    check('refund.method', paid?.method ?? null, refund?.method);
    check('refund.reason', paid?.reason ?? null, refund?.reason);
    check('refund.dispatch_by', r.kind === 'PAID' || r.kind === 'MANUAL' ? ctx.refund_dispatch : null, refund?.dispatch_by);

    const shares = typeof allotted === 'number' ? allotted : NaN;
    const whiteForm = a.channel === 'WHITE_FORM';
    const delivery = shares > 0 ? (whiteForm ? a.certificate_delivery : 'CCASS') : null;
    if (shares > 0) {
      const d = view.shares_delivery as Partial<NonNullable<ApplicationView['shares_delivery']>> | null;
      check('(shares_delivery fields)', DELIVERY_KEYS, d === null ? null : Object.keys(d ?? {}).join(','));
      check('shares_delivery.delivery', delivery, d?.delivery);
      check('shares_delivery.dispatch_by', ctx.certificate_dispatch, d?.dispatch_by);
    } else {
      check('shares_delivery', null, view.shares_delivery === null ? null : JSON.stringify(view.shares_delivery));
    }

    // The words, said again from the files' figures (the site's wording, fed the files' values).
    const text = view.text as Partial<ApplicationView['text']> | undefined;
    check('(text fields)', TEXT_KEYS, text ? Object.keys(text).join(',') : undefined);
    check('text.channel', channelWords(a.channel, a.participant_id), text?.channel);
    check('text.status', statusWords({ status: a.status, reason_code: a.reason_code === '' ? null : a.reason_code, shares_applied: a.shares_applied, shares_allotted: shares }), text?.status);
    check('text.refund', refundWords({ kind: r.kind, amount: paid?.amount, method: paid?.method, status: a.status, channel: a.channel, dispatch: ctx.refund_dispatch }), text?.refund);
    const certificate = whiteForm && (delivery === 'POST' || delivery === 'COLLECT') ? delivery : null;
    check('text.shares', sharesDeliveryWords({ channel: a.channel, shares_allotted: shares > 0 ? shares : 0, delivery: certificate, dispatch: ctx.certificate_dispatch }), text?.shares);
  }
}
