import { randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import twilio from 'twilio';
import { Channel, PiiCategory, RiskTier } from '@bnp/contracts';
import { waitFor } from '@bnp/testing';
import { personExposed, testMsisdn } from '../testing/events';
import { NotifierHarness, TEST_AUTH_TOKEN } from '../testing/harness';

interface Delivery {
  delivery_id: string;
  state: string;
  provider_ref: string | null;
  updated_at: Date;
}

/** Status callbacks go through a durable inbox (ADR 0019): acknowledged once stored, applied in batches. */
describe('status callbacks through the inbox', () => {
  let h: NotifierHarness;
  let seed = randomInt(1, 800_000_000);

  beforeAll(async () => {
    h = await NotifierHarness.start({ env: { NOTIFIER_STATUS_POLL_AFTER_MS: '1500' } });
    await h.startNotifier();
  });

  afterAll(async () => {
    await h?.close();
  });

  async function textOnePerson(): Promise<string> {
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    const event = personExposed({
      incidentId,
      tier: RiskTier.CRITICAL,
      language: 'en',
      categories: [PiiCategory.CNIC],
      numbers: [{ msisdn: testMsisdn(seed++) }],
      channels: [Channel.SMS],
      actions: [],
    });
    await h.send(h.topics.exposure, [event]);
    return incidentId;
  }

  const deliveryOf = async (incidentId: string): Promise<Delivery | undefined> =>
    (
      await h.query<Delivery>(
        `SELECT delivery_id, state, provider_ref, updated_at FROM notify.deliveries WHERE incident_id = $1`,
        [incidentId],
      )
    )[0];

  const delivered = (incidentId: string): Promise<Delivery> =>
    waitFor(
      async () => {
        const row = await deliveryOf(incidentId);
        return row?.state === 'delivered' ? row : undefined;
      },
      'the delivery to be delivered',
      { timeoutMs: 30_000, explain: async () => `delivery: ${JSON.stringify(await deliveryOf(incidentId))}` },
    );

  function post(deliveryId: string, params: Record<string, string>) {
    const path = `/twilio/status?d=${deliveryId}`;
    const signature = twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, `${h.env.NOTIFIER_PUBLIC_URL}${path}`, params);
    return request(h.app!.getHttpServer()).post(path).type('form').set('X-Twilio-Signature', signature).send(params);
  }

  const stored = (deliveryId: string) =>
    h.query<{ status: string; applied: boolean }>(
      `SELECT status, applied_at IS NOT NULL AS applied FROM notify.provider_callbacks WHERE delivery_id = $1 ORDER BY status`,
      [deliveryId],
    );

  it('answers a replayed, signed callback with 204 and changes nothing', async () => {
    const before = await delivered(await textOnePerson());
    const received = await stored(before.delivery_id);
    expect(received).toEqual(expect.arrayContaining([{ status: 'delivered', applied: true }]));

    const sid = before.provider_ref ?? '';
    for (const status of ['sent', 'delivered', 'sent']) {
      await post(before.delivery_id, { MessageSid: sid, MessageStatus: status, To: '+923001234567' }).expect(204);
    }

    expect(await stored(before.delivery_id)).toEqual(received);
    const [after] = await h.query<Delivery>(`SELECT * FROM notify.deliveries WHERE delivery_id = $1`, [
      before.delivery_id,
    ]);
    expect(after?.state).toBe('delivered');
    expect(after?.updated_at).toEqual(before.updated_at);
  });

  it('answers 503 when the callback cannot be stored, and the status poll settles the delivery', async () => {
    await h.query(`ALTER TABLE notify.provider_callbacks RENAME TO provider_callbacks_away`);
    try {
      const incidentId = await textOnePerson();
      const sent = await waitFor(
        async () => {
          const row = await deliveryOf(incidentId);
          return row?.provider_ref ? row : undefined;
        },
        'the SMS to be accepted',
        { timeoutMs: 30_000, explain: async () => `delivery: ${JSON.stringify(await deliveryOf(incidentId))}` },
      );
      await post(sent.delivery_id, { MessageSid: sent.provider_ref ?? '', MessageStatus: 'delivered' }).expect(503);
      // Neither the stand-in's callbacks nor ours were stored; the poll asks Twilio and settles it.
      await delivered(incidentId);
    } finally {
      await h.query(`ALTER TABLE notify.provider_callbacks_away RENAME TO provider_callbacks`);
    }
  });
});
