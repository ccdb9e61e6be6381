/**
 * Where one delivery (one notice to one recipient on one channel) stands.
 *
 *   waiting -> queued -> sending -> accepted -> sent -> delivered | undelivered | failed      (SMS)
 *                           |  \-> rejected (refused at create, never retried)
 *                           \-> unknown (the call may or may not have worked) -> reconciled, then as above
 *   queued -> sending -> sent | rejected                                                        (email)
 *   waiting | queued -> cancelled (superseded before sending); dry_run is never sent.
 */
export type DeliveryState =
  | 'waiting'
  | 'queued'
  | 'sending'
  | 'unknown'
  | 'accepted'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'rejected'
  | 'cancelled'
  | 'dry_run';

export type DeliveryChannel = 'sms' | 'email';

/** Progress order for provider-reported states, so a late or repeated callback never moves a delivery back. */
export function progressRank(state: DeliveryState): number {
  switch (state) {
    case 'waiting':
    case 'queued':
    case 'sending':
    case 'unknown':
      return 0;
    case 'accepted':
      return 1;
    case 'sent':
      return 2;
    case 'delivered':
    case 'undelivered':
    case 'failed':
    case 'rejected':
    case 'cancelled':
    case 'dry_run':
      return 3;
  }
}

export function isFinal(channel: DeliveryChannel, state: DeliveryState): boolean {
  if (channel === 'email' && state === 'sent') return true; // SMTP accepted it: nothing more will be heard
  return progressRank(state) === 3;
}

/** The person has the notice in hand (as far as any provider can tell). */
export function hasReached(channel: DeliveryChannel, state: DeliveryState): boolean {
  return channel === 'sms' ? state === 'delivered' : state === 'sent';
}

export function hasFailed(state: DeliveryState): boolean {
  return state === 'undelivered' || state === 'failed' || state === 'rejected';
}

/** Twilio's message status mapped onto ours; null for statuses of inbound messages, which are ignored. */
export function fromTwilioStatus(status: string): DeliveryState | null {
  switch (status) {
    case 'accepted':
    case 'queued':
    case 'scheduled':
    case 'sending':
      return 'accepted';
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
    case 'partially_delivered':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

/** SQL list of states a reported status may move a delivery out of. */
export const PROVIDER_TRACKED_STATES: DeliveryState[] = ['sending', 'unknown', 'accepted', 'sent'];
