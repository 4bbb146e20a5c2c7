/**
 * The answer of `GET /api/results`: status code and JSON body, from the query, the publication
 * phase and the index. Pure; the HTTP server only sends what this returns.
 *
 * - 400: the query is not a whole valid document number (reason code and words).
 * - 403 NOT_YET_PUBLISHED before `results_from`; 410 SEARCH_CLOSED from `results_to`.
 * - 404 NOT_FOUND: the same body for every valid number without an application here, whether or
 *   not it exists anywhere else.
 * - 200: every application under the number (joint ones included), codes beside words.
 * The number is only ever echoed masked; names, accounts and other applicants' numbers are never
 * part of an answer.
 */
import type { IdType } from '../domain/types';
import { deliveryFor } from '../refund/certificates';
import type { IdentityQuery } from './identity-query';
import type { IndexedApplication } from './results-index';
import { instantWords, PublicationPhase, PublicationWindow } from './publication-window';
import { channelWords, refundWords, sharesDeliveryWords, statusWords } from './result-wording';

export interface LookupContext {
  phase: PublicationPhase;
  window: PublicationWindow;
  /** Effective after-close dates (YYYY-MM-DD). */
  refund_dispatch: string;
  certificate_dispatch: string;
  /** offering.certificates.collect_in_person_min_shares */
  collect_min_shares: number | undefined;
}

export interface ApplicationView {
  channel: string;
  participant_id: string;
  /** Whether the searched document is the first applicant or a joint applicant. */
  applicant: 'FIRST' | 'JOINT';
  applicants: number;
  pool: string | null;
  shares_applied: string;
  shares_allotted: number;
  status: string;
  reason_code: string | null;
  refund: {
    status: 'PAID' | 'NONE' | 'MANUAL' | 'UNDETERMINED';
    amount: string | null;
    method: string | null;
    reason: string | null;
    dispatch_by: string | null;
  };
  shares_delivery: { delivery: 'CCASS' | 'POST' | 'COLLECT'; dispatch_by: string } | null;
  text: { channel: string; status: string; refund: string; shares: string | null };
}

export interface LookupAnswer {
  statusCode: 200 | 400 | 403 | 404 | 410;
  body: Record<string, unknown>;
}

export function applicationView(a: IndexedApplication, ctx: Pick<LookupContext, 'refund_dispatch' | 'certificate_dispatch' | 'collect_min_shares'>): ApplicationView {
  const paid = a.refund.kind === 'PAID' ? a.refund : null;
  const refundDispatch = a.refund.kind === 'PAID' || a.refund.kind === 'MANUAL' ? ctx.refund_dispatch : null;
  const whiteForm = a.channel === 'WHITE_FORM';
  const shares = Number(a.shares_applied);
  const delivery = whiteForm ? deliveryFor(Number.isSafeInteger(shares) ? shares : 0, ctx.collect_min_shares) : null;
  return {
    channel: a.channel,
    participant_id: a.participant_id,
    applicant: a.applicant_position === 0 ? 'FIRST' : 'JOINT',
    applicants: a.applicants,
    pool: a.pool,
    shares_applied: a.shares_applied,
    shares_allotted: a.shares_allotted,
    status: a.status,
    reason_code: a.reason_code,
    refund: {
      status: a.refund.kind,
      amount: paid?.amount ?? null,
      method: paid?.method ?? null,
      reason: paid?.reason ?? null,
      dispatch_by: refundDispatch,
    },
    shares_delivery: a.shares_allotted > 0 ? { delivery: delivery ?? 'CCASS', dispatch_by: ctx.certificate_dispatch } : null,
    text: {
      channel: channelWords(a.channel, a.participant_id),
      status: statusWords(a),
      refund: refundWords({ kind: a.refund.kind, amount: paid?.amount, method: paid?.method, status: a.status, channel: a.channel, dispatch: ctx.refund_dispatch }),
      shares: sharesDeliveryWords({ channel: a.channel, shares_allotted: a.shares_allotted, delivery, dispatch: ctx.certificate_dispatch }),
    },
  };
}

export function notYetPublished(window: PublicationWindow): LookupAnswer {
  return {
    statusCode: 403,
    body: { error: 'NOT_YET_PUBLISHED', message: `The results are not yet published. They will be available from ${instantWords(window.from)} (Hong Kong time).` },
  };
}

export function searchClosed(window: PublicationWindow): LookupAnswer {
  return {
    statusCode: 410,
    body: { error: 'SEARCH_CLOSED', message: `The search by ID closed at ${instantWords(window.to)} (Hong Kong time). The allotment results announcement remains published.` },
  };
}

/** The message of a 404: the same for every valid number without an application here. */
export const NOT_FOUND_MESSAGE =
  'No application under this identity document number is in the results of this offering. Check the document type and number as given on the application; ' +
  'if you applied through a broker or custodian, ask them about your application.';

export function answerLookup(query: IdentityQuery, ctx: LookupContext, lookup: (key: string) => IndexedApplication[]): LookupAnswer {
  if (ctx.phase === 'BEFORE') return notYetPublished(ctx.window);
  if (ctx.phase === 'CLOSED') return searchClosed(ctx.window);
  if (!query.ok) return { statusCode: 400, body: { error: query.code, id_type: query.id_type, id: query.masked, message: query.message } };
  const found = lookup(query.key);
  const idType: IdType = query.id_type;
  if (found.length === 0) return { statusCode: 404, body: { error: 'NOT_FOUND', id_type: idType, id: query.masked, message: NOT_FOUND_MESSAGE } };
  return { statusCode: 200, body: { id_type: idType, id: query.masked, applications: found.map((a) => applicationView(a, ctx)) } };
}
