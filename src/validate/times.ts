/**
 * Input and payment times (spec: instruction-file.md, D fields 3 and 12, "Acceptance windows").
 * Judged on the instruction's own times, never on when the file is processed.
 */
import { Rejection, rejection } from '../domain/reasons';
import { maskUntrusted } from '../domain/mask';
import type { Channel } from '../domain/types';
import type { Offering } from '../offering/schema';
import type { DetailFields } from '../ingest/record-layout';
import { formatHongKongTime, parseIsoDateTime } from '../ingest/iso-date-time';
import { isPaymentInTime, isWithinWindow, paymentWindow } from './windows';

export function inputTimeRule(f: DetailFields, line: number, channel: Channel, offering: Offering): Rejection | null {
  const at = parseIsoDateTime(f.input_time);
  if (at === null) return rejection('INPUT_TIME_INVALID', line, { field: 'input_time', value: maskUntrusted(f.input_time) });
  if (!isWithinWindow(channel, at, offering)) {
    return rejection('OUTSIDE_WINDOW', line, { field: 'input_time', value: f.input_time, extra: `${formatHongKongTime(at)}, ${channel}` });
  }
  return null;
}

/**
 * WHITE_FORM: payment_time required, an ISO 8601 date-time, and within the payment window (from
 * the first day's opening to payment_by on the effective last day). CCASS channels: empty.
 */
export function paymentTimeRule(f: DetailFields, line: number, channel: Channel, offering: Offering): Rejection | null {
  if (channel !== 'WHITE_FORM') {
    return f.payment_time === '' ? null : rejection('PAYMENT_TIME_NOT_ALLOWED', line, { field: 'payment_time', value: maskUntrusted(f.payment_time) });
  }
  if (f.payment_time === '') return rejection('PAYMENT_TIME_MISSING', line, { field: 'payment_time' });
  const at = parseIsoDateTime(f.payment_time);
  if (at === null) return rejection('PAYMENT_TIME_INVALID', line, { field: 'payment_time', value: maskUntrusted(f.payment_time) });
  if (!isPaymentInTime(channel, at, offering)) {
    const w = paymentWindow(channel, offering);
    return rejection('PAYMENT_LATE', line, { field: 'payment_time', value: f.payment_time, extra: `${formatHongKongTime(at)}; window ${formatHongKongTime(w.from)} to ${formatHongKongTime(w.to)}` });
  }
  return null;
}
