// Per-sender throughput, validity expiry and queue overflow, observed over HTTP as a client would.
import { startCallbackReceiver } from './testing/callback-receiver';
import {
  FROM,
  MESSAGING_SERVICE_SID,
  createMessage,
  getAuthed,
  messagePath,
  startStandIn,
  waitUntil,
} from './testing/fixtures';
import { assertMatchesSpec } from './testing/openapi-validator';
import { Lifecycle } from './lifecycle';
import type { TwilioStandIn } from './stand-in';

const TWO_SEGMENTS = 'x'.repeat(200);

describe(Lifecycle.name, () => {
  let standIn: TwilioStandIn;

  beforeAll(() => {
    // Compiling the schema validators blocks the event loop the stand-in shares with the test;
    // do it before the timing-sensitive cases so requests really pile up in the queue.
    assertMatchesSpec('error', {
      code: 20500,
      message: 'warm-up',
      more_info: 'https://www.twilio.com/docs/errors/20500',
      status: 500,
    });
  });
  afterEach(() => standIn.close());

  it('drains each sender at the configured segments per second, observable in admin stats', async () => {
    standIn = await startStandIn({ segmentsPerSecond: 50 });
    const other = '+15005550007';

    const sends = Array.from({ length: 10 }, () =>
      createMessage(standIn, { To: '+923001234567', From: FROM, Body: TWO_SEGMENTS }),
    );
    sends.push(createMessage(standIn, { To: '+923001234567', From: other, Body: TWO_SEGMENTS }));
    const responses = await Promise.all(sends);
    expect(responses.map((r) => r.status)).toEqual(Array(11).fill(201));
    await waitUntil(() => standIn.store.all().every((m) => m.status === 'delivered'), 5000, 'all delivered');

    const stats = standIn.admin.stats();
    const main = stats.senders[FROM];
    expect(main).toMatchObject({ segmentsSent: 20, messagesSent: 10, queueDepth: 0, queuedSegments: 0 });
    // 10 releases of 2 segments at 50/s: 40 ms apart, 360 ms from first to last.
    expect((main?.lastSentAt ?? 0) - (main?.firstSentAt ?? 0)).toBeGreaterThanOrEqual(350);
    // The limit is a ceiling; how close a loaded machine gets to it is for the benchmark, not a test.
    expect(main?.achievedSegmentsPerSecond).toBeLessThanOrEqual(51);
    // The other sender had its own queue: it did not wait behind the main sender's backlog.
    expect((stats.senders[other]?.firstSentAt ?? Infinity) - (main?.firstSentAt ?? 0)).toBeLessThan(300);
  });

  it('fails a message with 30036 when it waits longer than its ValidityPeriod', async () => {
    const receiver = await startCallbackReceiver();
    try {
      standIn = await startStandIn({ segmentsPerSecond: 0.5 }); // one segment every 2 s
      const form = { To: '+923001234567', From: FROM, Body: 'hi', ValidityPeriod: '1', StatusCallback: receiver.url() };
      const first = await createMessage(standIn, form);
      const second = await createMessage(standIn, form);
      expect(second.status).toBe(201);
      expect(second.body.status).toBe('queued');

      await receiver.waitFor((all) => all.some((c) => c.params.MessageSid === second.body.sid), 3000);

      const fetched = await getAuthed(standIn, messagePath(second.body.sid));
      assertMatchesSpec('fetch', fetched.body);
      expect(fetched.body).toMatchObject({
        status: 'failed',
        error_code: 30036,
        error_message: 'Validity Period Expired',
      });
      const callback = receiver.received.find((c) => c.params.MessageSid === second.body.sid);
      expect(callback?.params).toMatchObject({ MessageStatus: 'failed', ErrorCode: '30036' });
      expect(standIn.store.get(first.body.sid)?.status).toBe('delivered');
      // An expired message never used the sender.
      expect(standIn.admin.stats().senders[FROM]?.segmentsSent).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('answers 21611 when a From queue already holds more than the maximum wait', async () => {
    standIn = await startStandIn({ segmentsPerSecond: 1, maxQueueSeconds: 2 });
    const send = (from = FROM) => createMessage(standIn, { To: '+923001234567', From: from, Body: 'hi' });

    const accepted = [await send(), await send(), await send()]; // waits ~0, ~1 s, ~2 s
    const rejected = await send();

    expect(accepted.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(rejected.status).toBe(400);
    assertMatchesSpec('error', rejected.body);
    expect(rejected.body.code).toBe(21611);
    expect(standIn.store.size).toBe(3);
    expect((await send('+15005550007')).status).toBe(201); // another sender is unaffected
    expect(standIn.admin.stats().rejectedByCode).toEqual({ 21611: 1 });
  });

  it('answers 21611 when queued segments would exceed the configured maximum', async () => {
    standIn = await startStandIn({ segmentsPerSecond: 1, maxQueueSegments: 4 });
    const send = () => createMessage(standIn, { To: '+923001234567', From: FROM, Body: TWO_SEGMENTS });

    const first = await send();
    await waitUntil(() => standIn.store.get(first.body.sid)?.status !== 'queued'); // left the queue
    const answers = [await send(), await send(), await send()];

    expect(answers.map((r) => r.status)).toEqual([201, 201, 400]);
    expect(answers[2]?.body.code).toBe(21611);
  });

  it('fails an overflowing Messaging Service message later with 30001 instead of rejecting it', async () => {
    standIn = await startStandIn({ segmentsPerSecond: 1, maxQueueSeconds: 1 });
    const send = () =>
      createMessage(standIn, { To: '+923001234567', MessagingServiceSid: MESSAGING_SERVICE_SID, Body: 'hi' });

    const responses = [await send(), await send(), await send()];
    expect(responses.map((r) => [r.status, r.body.status as string])).toEqual([
      [201, 'accepted'],
      [201, 'accepted'],
      [201, 'accepted'],
    ]);

    const last = responses[2]?.body.sid as string;
    await waitUntil(() => standIn.store.get(last)?.status === 'failed');
    expect(standIn.store.get(last)).toMatchObject({ errorCode: 30001, errorMessage: 'Queue overflow' });
    expect(standIn.store.get(responses[1]?.body.sid as string)?.status).toBe('queued');
  });
});
