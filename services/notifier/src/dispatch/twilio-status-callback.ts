import { fromTwilioStatus, type DeliveryState } from './delivery-state';

/** A status callback's fields that matter, with the state they move the delivery to. */
export interface StatusCallback {
  sid: string;
  status: string;
  errorCode: string | null;
  state: DeliveryState;
}

/**
 * Reads Twilio's StatusCallback form (MessageSid, MessageStatus, ErrorCode). Null for a callback
 * that names no message or reports a status of no outbound message (inbound statuses are ignored).
 */
export function parseStatusCallback(params: Record<string, string | string[]>): StatusCallback | null {
  const sid = single(params['MessageSid']);
  const status = single(params['MessageStatus']);
  const state = status ? fromTwilioStatus(status) : null;
  if (!sid || !status || !state) return null;
  return { sid, status, errorCode: single(params['ErrorCode']) ?? null, state };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
