// Shared test set-up: credentials, an in-process stand-in per test file, and polling helpers.
import request from 'supertest';
import { createTwilioStandIn, type TwilioStandIn, type TwilioStandInOptions } from '../stand-in';
import { assertMatchesSpec } from './openapi-validator';

export const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const AUTH_TOKEN = 'test-auth-token';
export const FROM = '+15005550006';
export const MESSAGING_SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';
export const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

/** Fast lifecycle, no persistence, random port: each test gets its own isolated stand-in. */
export function startStandIn(options: TwilioStandInOptions = {}): Promise<TwilioStandIn> {
  return createTwilioStandIn({
    host: '127.0.0.1',
    port: 0,
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    stateFile: null,
    sentDelayMs: 5,
    deliveredDelayMs: 10,
    ...options,
  });
}

export function messagePath(sid: string): string {
  return `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`;
}

/**
 * Sends the request and checks the answer against the OpenAPI spec before the test sees it, so every
 * Messages API response in these tests is validated: 201/200 bodies against the operation's schema,
 * error bodies against Twilio's error shape.
 */
async function validated(test: request.Test, operation: 'create' | 'fetch' | 'list'): Promise<request.Response> {
  const res = await test;
  const success = operation === 'create' ? 201 : 200;
  if (res.status < 400 && res.status !== success)
    throw new Error(`${operation} answered ${res.status}, expected ${success}`);
  assertMatchesSpec(res.status >= 400 ? 'error' : operation, res.body);
  return res;
}

/** POST Messages.json with the test account's Basic auth, over a real socket on 127.0.0.1. */
export function createMessage(standIn: TwilioStandIn, form: Record<string, string>): Promise<request.Response> {
  return validated(
    request(standIn.url).post(MESSAGES_PATH).auth(ACCOUNT_SID, AUTH_TOKEN).type('form').send(form),
    'create',
  );
}

/** GET a Messages.json list or Messages/{Sid}.json path with the test account's Basic auth. */
export function getAuthed(standIn: TwilioStandIn, path: string): Promise<request.Response> {
  const operation = path.split('?')[0]?.endsWith('/Messages.json') ? 'list' : 'fetch';
  return validated(request(standIn.url).get(path).auth(ACCOUNT_SID, AUTH_TOKEN), operation);
}

export async function waitUntil(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function statusOf(standIn: TwilioStandIn, sid: string): string | undefined {
  return standIn.store.get(sid)?.status;
}

/** The message SIDs of a list page body, in page order. */
export function sidsOf(listBody: unknown): string[] {
  return (listBody as { messages: Array<{ sid: string }> }).messages.map((m) => m.sid);
}
