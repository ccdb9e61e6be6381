// The stored message and its rendering as Twilio's api.v2010.account.message resource.
import type { SmsEncoding } from './segments';

export const API_VERSION = '2010-04-01';

export type MessageStatus = 'accepted' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set(['delivered', 'undelivered', 'failed']);

/** What the carrier will do with the message, decided at create from the configured number lists. */
export type Fate = { outcome: 'delivered' } | { outcome: 'undelivered' | 'failed'; errorCode: number };

export interface StatusChange {
  status: MessageStatus;
  at: number;
  errorCode: number | null;
}

export interface StoredMessage {
  /** Creation order; list pages and page tokens are positions in it. */
  seq: number;
  sid: string;
  accountSid: string;
  messagingServiceSid: string | null;
  /** The address the message leaves from: From, or the number the Messaging Service picks. */
  fromNumber: string;
  /** A Messaging Service reports no sender (from null, num_segments "0") until it has picked one. */
  senderAssigned: boolean;
  /** Queue and throughput key: From, or the Messaging Service SID. */
  sender: string;
  to: string;
  body: string;
  mediaUrls: string[];
  segments: number;
  encoding: SmsEncoding;
  status: MessageStatus;
  errorCode: number | null;
  errorMessage: string | null;
  price: string | null;
  statusCallback: string | null;
  validityPeriodSeconds: number;
  dateCreated: number;
  dateUpdated: number;
  dateSent: number | null;
  history: StatusChange[];
  fate: Fate;
  /** This message's 'sent' callback goes out after its final one. */
  reorderCallbacks: boolean;
}

/** RFC 2822 with a numeric zone, as Twilio writes it: "Thu, 24 Aug 2023 05:01:45 +0000". */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

export function messagesPath(accountSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;
}

export function messagePath(accountSid: string, sid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}.json`;
}

export interface MessageResource {
  account_sid: string;
  api_version: string;
  body: string;
  date_created: string;
  date_sent: string | null;
  date_updated: string;
  direction: 'outbound-api';
  error_code: number | null;
  error_message: string | null;
  from: string | null;
  messaging_service_sid: string | null;
  num_media: string;
  num_segments: string;
  price: string | null;
  price_unit: string;
  sid: string;
  status: MessageStatus;
  subresource_uris: { media: string };
  to: string;
  uri: string;
}

export function toResource(m: StoredMessage): MessageResource {
  return {
    account_sid: m.accountSid,
    api_version: API_VERSION,
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: m.dateSent === null ? null : rfc2822(m.dateSent),
    date_updated: rfc2822(m.dateUpdated),
    direction: 'outbound-api',
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.senderAssigned ? m.fromNumber : null,
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(m.mediaUrls.length),
    num_segments: m.senderAssigned ? String(m.segments) : '0',
    price: m.price,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `/${API_VERSION}/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: messagePath(m.accountSid, m.sid),
  };
}
