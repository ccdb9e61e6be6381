import twilio from 'twilio';
import { startCallbackReceiver, type CallbackReceiver } from './testing/callback-receiver';
import { ACCOUNT_SID, AUTH_TOKEN, FROM, MESSAGING_SERVICE_SID, createMessage, startStandIn } from './testing/fixtures';
import { CallbackDispatcher, rawDlrDoneDate } from './callbacks';
import type { TwilioStandIn, TwilioStandInOptions } from './stand-in';

const TO = '+923001234567';

describe(CallbackDispatcher.name, () => {
  let receiver: CallbackReceiver;
  let standIn: TwilioStandIn | undefined;
  /** Waits until the stand-in has no callback in flight (a retry's delay included) and none waiting. */
  const callbacksIdle = () =>
    waitFor(
      () => {
        const { inFlight, queued } = standIn!.admin.stats().callbacks;
        return inFlight === 0 && queued === 0;
      },
      5000,
      'no callback in flight or queued',
    );

  beforeEach(async () => {
    receiver = await startCallbackReceiver();
  });
  afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
    await receiver.close();
  });

  async function start(options: TwilioStandInOptions = {}): Promise<TwilioStandIn> {
    standIn = await startStandIn({ callbacks: { retryDelayMs: 20 }, ...options });
    return standIn;
  }

  const statuses = (sid: string) =>
    receiver.received.filter((c) => c.params.MessageSid === sid).map((c) => c.params.MessageStatus);

  it('posts sent then delivered with the fields Twilio sends, signed with the auth token', async () => {
    await start();
    const url = receiver.url('/twilio/status?tenant=jazz');
    const { body } = await createMessage(standIn!, { To: TO, From: FROM, Body: 'hi', StatusCallback: url });

    const received = await receiver.waitFor((all) => all.length === 2);

    // Posted concurrently, as Twilio does: arrival order is not guaranteed.
    expect([...statuses(body.sid)].sort()).toEqual(['delivered', 'sent']);
    const sent = received.find((c) => c.params.MessageStatus === 'sent');
    const delivered = received.find((c) => c.params.MessageStatus === 'delivered');
    expect(sent?.params).toEqual({
      AccountSid: ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      From: FROM,
      MessageSid: body.sid,
      MessageStatus: 'sent',
      SmsSid: body.sid,
      SmsStatus: 'sent',
      To: TO,
    });
    expect(delivered?.params.RawDlrDoneDate).toMatch(/^\d{10}$/);
    expect(delivered?.params.ErrorCode).toBeUndefined();
    for (const callback of received) {
      expect(callback.url).toBe(url);
      expect(twilio.validateRequest(AUTH_TOKEN, callback.signature ?? '', callback.url, callback.params)).toBe(true);
    }
  });

  it('produces signatures that fail validation once a parameter is tampered with', async () => {
    await start({ numbers: { unreachable: [TO] } });
    await createMessage(standIn!, { To: TO, From: FROM, Body: 'hi', StatusCallback: receiver.url() });
    const [, undelivered] = await receiver.waitFor((all) => all.length === 2);
    const { signature = '', url, params } = undelivered!;

    expect(twilio.validateRequest(AUTH_TOKEN, signature, url, params)).toBe(true);
    expect(twilio.validateRequest(AUTH_TOKEN, signature, url, { ...params, MessageStatus: 'delivered' })).toBe(false);
    expect(twilio.validateRequest(AUTH_TOKEN, signature, `${url}?x=1`, params)).toBe(false);
    expect(twilio.validateRequest('another-token', signature, url, params)).toBe(false);
  });

  it.each([
    ['unreachable', 'undelivered', 30003, ['sent', 'undelivered']],
    ['unknown', 'undelivered', 30005, ['sent', 'undelivered']],
    ['carrierUnreachable', 'undelivered', 30006, ['sent', 'undelivered']],
    ['failing', 'failed', 30008, ['failed']],
  ] as const)('reports a number configured %s as %s with ErrorCode %i', async (list, finalStatus, code, expected) => {
    await start({ numbers: { [list]: [TO] } });
    const { body } = await createMessage(standIn!, { To: TO, From: FROM, Body: 'hi', StatusCallback: receiver.url() });

    const received = await receiver.waitFor((all) => all.some((c) => c.params.MessageStatus === finalStatus));

    expect(statuses(body.sid)).toEqual(expected);
    expect(received.at(-1)?.params.ErrorCode).toBe(String(code));
    const stored = standIn!.store.get(body.sid as string);
    expect(stored).toMatchObject({ status: finalStatus, errorCode: code });
    expect(stored?.errorMessage).toEqual(expect.any(String));
  });

  it('includes MessagingServiceSid and a queued callback for Messaging Service messages', async () => {
    await start();
    const { body } = await createMessage(standIn!, {
      To: TO,
      MessagingServiceSid: MESSAGING_SERVICE_SID,
      Body: 'hi',
      StatusCallback: receiver.url(),
    });

    const received = await receiver.waitFor((all) => all.length === 3);

    // Callbacks are posted concurrently, so arrival order is not guaranteed (as with Twilio): compare as a set.
    expect([...statuses(body.sid)].sort()).toEqual(['delivered', 'queued', 'sent']);
    for (const callback of received) {
      expect(callback.params.MessagingServiceSid).toBe(MESSAGING_SERVICE_SID);
      expect(callback.params.From).toBe(standIn!.config.messagingServiceFrom);
    }
  });

  it('calls back on sending too when configured', async () => {
    await start({ callbacks: { includeSending: true } });
    const { body } = await createMessage(standIn!, { To: TO, From: FROM, Body: 'hi', StatusCallback: receiver.url() });
    await receiver.waitFor((all) => all.length === 3);
    expect([...statuses(body.sid)].sort()).toEqual(['delivered', 'sending', 'sent']);
  });

  it("delivers 'delivered' before 'sent' for messages picked for out-of-order callbacks", async () => {
    await start({ callbacks: { outOfOrderProbability: 1 } });
    const { body } = await createMessage(standIn!, { To: TO, From: FROM, Body: 'hi', StatusCallback: receiver.url() });

    await receiver.waitFor((all) => all.length === 2);

    expect(statuses(body.sid)).toEqual(['delivered', 'sent']);
    expect(standIn!.store.get(body.sid as string)?.history.map((h) => h.status)).toEqual([
      'queued',
      'sending',
      'sent',
      'delivered',
    ]);
  });

  it('retries a failed callback once with the same idempotency token, then gives up', async () => {
    await start();
    receiver.failNext(3, 503);
    await createMessage(standIn!, { To: TO, From: FROM, Body: 'hi', StatusCallback: receiver.url() });

    // Three failures in a row: both attempts of one callback and the first attempt of the other.
    const received = await receiver.waitFor((all) => all.length === 4);
    await callbacksIdle(); // nothing in flight or waiting: a third attempt of anything would be

    expect(receiver.received).toHaveLength(4);
    for (const status of ['sent', 'delivered']) {
      const attempts = received.filter((c) => c.params.MessageStatus === status);
      expect(attempts).toHaveLength(2);
      expect(attempts[0]?.idempotencyToken).toBe(attempts[1]?.idempotencyToken);
    }
    expect(new Set(received.map((c) => c.idempotencyToken)).size).toBe(2);
    expect(standIn!.admin.stats().callbacks).toMatchObject({ attempted: 4, succeeded: 1, failed: 3, retried: 2 });
  });

  it('retries a callback whose endpoint is down', async () => {
    await start({ callbacks: { retryDelayMs: 10 } });
    await createMessage(standIn!, { To: TO, From: FROM, Body: 'hi', StatusCallback: 'http://127.0.0.1:9/unreachable' });
    await waitFor(() => standIn!.admin.stats().callbacks.attempted === 4);
    expect(standIn!.admin.stats().callbacks).toMatchObject({ failed: 4, retried: 2, succeeded: 0 });
  });

  it('drops callbacks while the callbackLoss fault is on', async () => {
    await start({ faults: { callbackLoss: { next: 1 } } });
    const { body } = await createMessage(standIn!, { To: TO, From: FROM, Body: 'hi', StatusCallback: receiver.url() });

    await receiver.waitFor((all) => all.length === 1);
    await callbacksIdle();

    expect(statuses(body.sid)).toEqual(['delivered']);
    expect(standIn!.admin.stats().callbacks.lost).toBe(1);
    expect(standIn!.store.get(body.sid as string)?.status).toBe('delivered');
  });

  it('sends nothing for a message without StatusCallback', async () => {
    await start();
    const { body } = await createMessage(standIn!, { To: TO, From: FROM, Body: 'hi' });
    await waitFor(() => standIn!.store.get(body.sid as string)?.status === 'delivered');
    expect(standIn!.admin.stats().callbacks.attempted).toBe(0);
  });
});

describe(rawDlrDoneDate.name, () => {
  it('formats the DLR done date as YYMMDDhhmm in UTC', () => {
    expect(rawDlrDoneDate(Date.UTC(2024, 0, 31, 23, 5, 59))).toBe('2401312305');
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
