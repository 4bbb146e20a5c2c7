/**
 * The words an applicant reads: channel, status, reason for a rejection, refund and shares, in
 * the plain style of an allotment results announcement. Codes stay in the API beside the words;
 * the words never hold a name, an account number or another applicant's document. Pure.
 */
import { formatThousands } from '../money/money';
import { dateWords } from './publication-window';

/** Applicant-facing words for each rejection reason a results.csv row can carry (docs/reasons.md). */
const REJECTION_WORDS: Readonly<Record<string, string>> = {
  FIELD_COUNT: 'the instruction was incomplete',
  REF_INVALID: 'the instruction reference was not valid',
  REF_REUSED: 'the instruction reference had already been used for another application',
  INPUT_TIME_INVALID: 'the time of the instruction could not be read',
  OUTSIDE_WINDOW: 'the instruction was given outside the application hours',
  ID_TYPE_INVALID: 'the identity document type was not valid',
  ID_INVALID: 'the identity document number was not valid',
  HKID_CHECK_DIGIT: 'an identity card number on it was not valid (check digit)',
  NAME_INVALID: "the applicant's name was missing or too long",
  JOINT_APPLICANTS_INVALID: 'the joint applicants were not given correctly',
  QUANTITY_NOT_PERMITTED: 'the number of shares applied for was not one of the permitted numbers',
  QUANTITY_OVER_CAP: 'it was for more shares than one application may be for',
  AMOUNT_INVALID: 'the amount paid could not be read',
  AMOUNT_INCORRECT: 'the amount paid was not the amount payable',
  STOCK_ACCOUNT_MISSING: 'no CCASS stock account was given',
  STOCK_ACCOUNT_INVALID: 'the CCASS stock account was not valid',
  STOCK_ACCOUNT_NOT_ALLOWED: 'a CCASS stock account was given on a White Form application',
  REFUND_ACCOUNT_INVALID: 'the refund bank account was not valid',
  REFUND_ACCOUNT_NOT_ALLOWED: 'a refund bank account was given on a CCASS application',
  PAYMENT_TIME_MISSING: 'the payment time was missing',
  PAYMENT_TIME_INVALID: 'the payment time could not be read',
  PAYMENT_TIME_NOT_ALLOWED: 'a payment time was given on a CCASS application',
  PAYMENT_LATE: 'payment was not completed in time',
  MULTIPLE_APPLICATION: 'the same applicant applied more than once (multiple applications)',
  OFFERING_LAPSED: 'the offering lapsed (its conditions were not fulfilled), so no shares were allotted to anyone and every amount paid is refunded in full',
};

/** Words for a rejection reason; a code without words (added later) is shown as the code. */
export function rejectionWords(code: string): string {
  return REJECTION_WORDS[code] ?? `reason ${code}`;
}

/** Every code that has words (a test checks the catalogue's record and allocation codes are all here). */
export const WORDED_REASONS: readonly string[] = Object.keys(REJECTION_WORDS);

/** `HK$4,030.21` from `4030.21`. */
export function moneyWords(amount: string): string {
  const [whole, cents] = amount.split('.');
  return `HK$${formatThousands(BigInt(whole!))}.${cents ?? '00'}`;
}

/** `1,000` for a plain whole number of shares; any other text (a rejected quantity) as given. */
export function sharesWords(shares: string | number): string {
  const s = String(shares);
  return /^[0-9]+$/.test(s) ? formatThousands(BigInt(s)) : s;
}

export function channelWords(channel: string, participantId: string): string {
  switch (channel) {
    case 'CLEARING': return `through a broker (CCASS Clearing Participant ${participantId})`;
    case 'CUSTODIAN': return `through a custodian (CCASS Custodian Participant ${participantId})`;
    case 'INVESTOR': return `as a CCASS Investor Participant (${participantId})`;
    case 'WHITE_FORM': return `through the White Form eIPO service (${participantId})`;
    default: return `${channel} (${participantId})`;
  }
}

export interface StatusFacts {
  status: string;
  reason_code: string | null;
  shares_applied: string;
  shares_allotted: number;
}

export function statusWords(a: StatusFacts): string {
  switch (a.status) {
    case 'ALLOTTED':
      return String(a.shares_allotted) === a.shares_applied
        ? `Successful: ${sharesWords(a.shares_allotted)} shares allotted, all the shares applied for.`
        : `Partially successful: ${sharesWords(a.shares_allotted)} of the ${sharesWords(a.shares_applied)} shares applied for allotted.`;
    case 'UNSUCCESSFUL':
      return 'Unsuccessful: no shares allotted in the ballot.';
    case 'REJECTED':
      return `Rejected: ${rejectionWords(a.reason_code ?? '')}. No shares allotted.`;
    default:
      return `${a.status}: ${sharesWords(a.shares_allotted)} shares allotted.`;
  }
}

/** Where a CCASS participant's refund goes (spec: outputs.md, refunds.csv `method` DIRECT_CREDIT). */
function directCreditPayee(channel: string): string {
  return channel === 'INVESTOR' ? 'your designated bank account as a CCASS Investor Participant' : 'the designated bank account of your broker or custodian, who credits it to you';
}

export interface RefundFacts {
  kind: 'NONE' | 'PAID' | 'MANUAL' | 'UNDETERMINED';
  amount?: string;
  method?: string;
  status: string;
  channel: string;
  /** The refund dispatch date (YYYY-MM-DD) or null when the offering does not set it. */
  dispatch: string | null;
}

export function refundWords(r: RefundFacts): string {
  const when = r.dispatch ? ` on or before ${dateWords(r.dispatch)}` : '';
  switch (r.kind) {
    case 'PAID': {
      const amount = moneyWords(r.amount!);
      switch (r.method) {
        case 'DIRECT_CREDIT': return `${amount}, paid${when} by direct credit to ${directCreditPayee(r.channel)}.`;
        case 'E_REFUND': return `${amount}, paid${when} by White Form e-Refund to the bank account you gave.`;
        case 'CHEQUE': return `${amount}, by refund cheque posted${when} to the address you gave.`;
        default: return `${amount} (${r.method}), paid${when}.`;
      }
    }
    case 'MANUAL':
      return 'The amount you paid will be refunded by hand, as the amount on the instruction could not be read. The registrar will contact you through the channel you applied by.';
    case 'UNDETERMINED':
      return 'Your refund is being confirmed. Please contact the channel you applied by or the share registrar.';
    default:
      return r.status === 'ALLOTTED' ? 'No refund: the amount paid was the amount payable for the shares allotted.' : 'No refund is due.';
  }
}

export interface SharesFacts {
  channel: string;
  shares_allotted: number;
  /** WHITE_FORM only: POST or COLLECT (refund/certificates.ts deliveryFor). */
  delivery: 'POST' | 'COLLECT' | null;
  /** The certificate dispatch date (YYYY-MM-DD) or null when the offering does not set it. */
  dispatch: string | null;
}

/** Where the allotted shares go; null when none were allotted. */
export function sharesDeliveryWords(s: SharesFacts): string | null {
  if (s.shares_allotted <= 0) return null;
  const shares = `${sharesWords(s.shares_allotted)} shares`;
  const by = s.dispatch ? ` on or before ${dateWords(s.dispatch)}` : '';
  const on = s.dispatch ? ` on ${dateWords(s.dispatch)}` : '';
  if (s.channel !== 'WHITE_FORM') {
    const account = s.channel === 'INVESTOR' ? 'your CCASS Investor Participant stock account' : 'the stock account of your broker or custodian';
    return `${shares} deposited into CCASS for credit to ${account}${by}.`;
  }
  return s.delivery === 'COLLECT'
    ? `Share certificate for ${shares}: you may collect it in person${on}; otherwise it is posted to the address you gave.`
    : `Share certificate for ${shares} posted to the address you gave${by}.`;
}
