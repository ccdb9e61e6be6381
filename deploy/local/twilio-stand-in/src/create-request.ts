// Validation of POST .../Messages.json, in the order Twilio reports problems. Everything here is
// synchronous and per-request O(body length).
import { randomUUID } from 'node:crypto';
import type { StandInConfig } from './config';
import { apiErrors } from './errors';
import type { Fate, StoredMessage } from './message';
import { E164, NumberList } from './numbers';
import { countSegments, smartEncode } from './segments';

export type Form = Record<string, string | string[] | undefined>;

const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const SHORT_CODE = /^\d{3,8}$/;
// Alphanumeric sender IDs: up to 11 characters, at least one letter.
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const MAX_BODY = 1600;
const MAX_VALIDITY_SECONDS = 36_000;

export interface NumberBehaviour {
  optedOut: NumberList;
  landline: NumberList;
  unreachable: NumberList;
  unknown: NumberList;
  carrierUnreachable: NumberList;
  failing: NumberList;
}

export function numberBehaviour(config: StandInConfig): NumberBehaviour {
  const n = config.numbers;
  return {
    optedOut: new NumberList(n.optedOut),
    landline: new NumberList(n.landline),
    unreachable: new NumberList(n.unreachable),
    unknown: new NumberList(n.unknown),
    carrierUnreachable: new NumberList(n.carrierUnreachable),
    failing: new NumberList(n.failing),
  };
}

function single(form: Form, key: string): string | undefined {
  const value = form[key];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function many(form: Form, key: string): string[] {
  const value = form[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isCallbackUrl(text: string): boolean {
  try {
    const url = new URL(text);
    // Twilio needs a valid hostname and rejects underscores in it.
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0 && !url.hostname.includes('_')
    );
  } catch {
    return false;
  }
}

function fateOf(to: string, numbers: NumberBehaviour): Fate {
  if (numbers.failing.has(to)) return { outcome: 'failed', errorCode: 30008 };
  if (numbers.unreachable.has(to)) return { outcome: 'undelivered', errorCode: 30003 };
  if (numbers.unknown.has(to)) return { outcome: 'undelivered', errorCode: 30005 };
  if (numbers.carrierUnreachable.has(to)) return { outcome: 'undelivered', errorCode: 30006 };
  return { outcome: 'delivered' };
}

/** Turns a create form into a message ready to store, or throws the TwilioApiError Twilio would answer. */
export function parseCreate(
  form: Form,
  config: StandInConfig,
  numbers: NumberBehaviour,
  random: () => number,
  now: number,
): Omit<StoredMessage, 'seq'> {
  const to = single(form, 'To')?.trim();
  if (!to) throw apiErrors.missingTo();
  if (!E164.test(to)) throw apiErrors.invalidTo(to);

  const from = single(form, 'From')?.trim() || undefined;
  const messagingServiceSid = single(form, 'MessagingServiceSid')?.trim() || undefined;
  if (!from && !messagingServiceSid) throw apiErrors.missingFrom();
  if (messagingServiceSid && !MESSAGING_SERVICE_SID.test(messagingServiceSid))
    throw apiErrors.invalidMessagingService();
  if (from && !E164.test(from) && !SHORT_CODE.test(from) && !ALPHANUMERIC_SENDER.test(from)) {
    throw apiErrors.invalidFrom(from);
  }

  const mediaUrls = many(form, 'MediaUrl');
  let body = single(form, 'Body') ?? '';
  if (body.length === 0 && mediaUrls.length === 0 && !single(form, 'ContentSid')) throw apiErrors.missingBody();
  if (body.length > MAX_BODY) throw apiErrors.bodyTooLong();
  if (single(form, 'SmartEncoded') === 'true') body = smartEncode(body);

  const validityText = single(form, 'ValidityPeriod');
  let validityPeriodSeconds = MAX_VALIDITY_SECONDS;
  if (validityText !== undefined) {
    validityPeriodSeconds = Number(validityText);
    if (
      !Number.isInteger(validityPeriodSeconds) ||
      validityPeriodSeconds < 1 ||
      validityPeriodSeconds > MAX_VALIDITY_SECONDS
    ) {
      throw apiErrors.invalidValidityPeriod();
    }
  }

  const statusCallback = single(form, 'StatusCallback') || null;
  if (statusCallback !== null && !isCallbackUrl(statusCallback)) throw apiErrors.invalidStatusCallback();

  if (numbers.landline.has(to)) throw apiErrors.notMobile();
  if (numbers.optedOut.has(to)) throw apiErrors.optedOut();

  const { segments, encoding } = countSegments(body);
  const viaService = from === undefined;
  const hex = randomUUID().replace(/-/g, '');
  return {
    sid: `${mediaUrls.length > 0 ? 'MM' : 'SM'}${hex}`,
    accountSid: config.accountSid,
    messagingServiceSid: messagingServiceSid ?? null,
    // From wins over the service's pool when both are given, as with Twilio.
    fromNumber: from ?? config.messagingServiceFrom,
    senderAssigned: !viaService,
    sender: from ?? (messagingServiceSid as string),
    to,
    body,
    mediaUrls,
    // An MMS is billed and throttled as one message.
    segments: mediaUrls.length > 0 ? 1 : Math.max(segments, 1),
    encoding,
    status: viaService ? 'accepted' : 'queued',
    errorCode: null,
    errorMessage: null,
    price: null,
    statusCallback,
    validityPeriodSeconds,
    dateCreated: now,
    dateUpdated: now,
    dateSent: null,
    history: [{ status: viaService ? 'accepted' : 'queued', at: now, errorCode: null }],
    fate: fateOf(to, numbers),
    reorderCallbacks: random() < config.callbacks.outOfOrderProbability,
  };
}
