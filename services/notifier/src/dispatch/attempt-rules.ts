import { redactPiiInText } from '@bnp/pii';
import { fromTwilioStatus } from './delivery-state';
import type { Transition } from './delivery.types';
import type { SmsSendResult } from './twilio-sms.provider';

/** The knobs the attempt rules read (from the notifier's config). */
export interface AttemptPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long the provider's list may lag behind a create (ADR 0011). */
  reconcileGraceMs: number;
}

/** A claimed delivery as far as the rules need it: which claim holds it and how often it was tried. */
export interface AttemptHolder {
  delivery_id: string;
  lease_id: string;
  attempts: number;
}

const MAX_DETAIL = 300;

/**
 * Exponential backoff with full jitter: a retry waits between half and all of base * 2^(attempts-1),
 * capped at max. `random` is injectable so the spec can pin it.
 */
export function backoffMs(attempts: number, policy: AttemptPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A provider said "not now" (429, a sender-wide error, SMTP 4xx): queue again, or fail after the last attempt. */
export function retryOrGiveUp(
  row: AttemptHolder,
  code: string,
  message: string,
  policy: AttemptPolicy,
  random: () => number = Math.random,
): Transition {
  const attempts = row.attempts + 1;
  if (attempts >= policy.maxAttempts) {
    return {
      deliveryId: row.delivery_id,
      leaseId: row.lease_id,
      state: 'failed',
      errorCode: code,
      errorDetail: clip(`gave up after ${attempts} attempts: ${message}`),
    };
  }
  return {
    deliveryId: row.delivery_id,
    leaseId: row.lease_id,
    state: 'queued',
    errorCode: code,
    errorDetail: clip(message),
    delayMs: backoffMs(attempts, policy, random),
  };
}

/** What one SMS create call's answer does to its delivery. */
export function smsAnswerTransition(
  row: AttemptHolder,
  result: SmsSendResult,
  segments: number,
  policy: AttemptPolicy,
  random: () => number = Math.random,
): Transition {
  switch (result.kind) {
    case 'accepted':
      return {
        deliveryId: row.delivery_id,
        leaseId: row.lease_id,
        state: fromTwilioStatus(result.status) ?? 'accepted',
        providerRef: result.sid,
        providerStatus: result.status,
        segments: result.segments ?? segments,
      };
    case 'rejected':
      return {
        deliveryId: row.delivery_id,
        leaseId: row.lease_id,
        state: 'rejected',
        errorCode: result.code,
        errorDetail: clip(result.message),
      };
    case 'retry':
      return retryOrGiveUp(row, result.code, result.message, policy, random);
    case 'unknown':
      // Maybe sent, or still to be processed by the provider after our client gave up: search its list
      // only a grace period after the lease the request went under has ended; never resend blind.
      return {
        deliveryId: row.delivery_id,
        leaseId: row.lease_id,
        state: 'unknown',
        errorCode: result.code,
        errorDetail: clip(result.message),
        delayMs: Math.max(policy.reconcileGraceMs, backoffMs(row.attempts + 1, policy, random)),
        delayAfterLease: true,
      };
  }
}

/** What to do with an unknown outcome once the provider's list has been searched. */
export type ReconcileVerdict =
  /** The list has the message: adopt it, send nothing. */
  | { kind: 'adopt' }
  /** Not listed, but not yet for a full grace period: look again later, send nothing. */
  | { kind: 'look-again'; delayMs: number; absentSince: Date }
  /** Not listed twice, a grace period apart, and no callback named it: send again. */
  | { kind: 'resend' }
  /** Not listed, and no attempt left. */
  | { kind: 'give-up' };

/**
 * The list is eventually consistent (a message created a moment ago may not be listed yet), so one
 * miss proves nothing: a resend needs a second miss at least `reconcileGraceMs` after the first. The
 * first search itself happens only a grace period after the attempt's request could last have been
 * live (the lease it was sent under), and a status callback naming the delivery settles it meanwhile.
 */
export function reconcileVerdict(input: {
  found: boolean;
  absentSince: Date | null;
  now: Date;
  attempts: number;
  policy: AttemptPolicy;
}): ReconcileVerdict {
  if (input.found) return { kind: 'adopt' };
  const { absentSince, now, policy } = input;
  if (absentSince === null || now.getTime() - absentSince.getTime() < policy.reconcileGraceMs) {
    const since = absentSince ?? now;
    return {
      kind: 'look-again',
      delayMs: Math.max(0, since.getTime() + policy.reconcileGraceMs - now.getTime()),
      absentSince: since,
    };
  }
  return input.attempts >= policy.maxAttempts ? { kind: 'give-up' } : { kind: 'resend' };
}

/**
 * A send permit extends the lease to now + leaseMs in the database; the request must start while at
 * least one request timeout (and a margin) of that lease is left, measured on this process's clock
 * from before the permit was asked for. A process that stalled longer than that sends nothing.
 */
export function permitStillValid(askedAtMs: number, nowMs: number, leaseMs: number, requestTimeoutMs: number): boolean {
  return nowMs - askedAtMs < leaseMs - 2 * requestTimeoutMs;
}

/** Provider messages can echo an address; they are scrubbed before they reach a row or the log. */
export function clip(text: string): string {
  return redactPiiInText(text).slice(0, MAX_DETAIL);
}
