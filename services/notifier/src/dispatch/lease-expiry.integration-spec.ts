import { randomInt, randomUUID } from 'node:crypto';
import { Channel, PiiCategory, RiskTier } from '@bnp/contracts';
import { waitFor } from '@bnp/testing';
import { personExposed, testMsisdn } from '../testing/events';
import { NotifierHarness } from '../testing/harness';
import { DeliveryRepository } from './delivery.repository';

const PEOPLE = 10;

/**
 * The race behind issue 17 (ADR 0011), made certain instead of left to a slow machine: one request
 * slot, and the first creates hang until the client gives up, so the other claimed sends wait for the
 * slot longer than their lease. Their leases run out, reconciliation finds nothing in the list (the
 * sends have not started), and before send permits the waiting sends then went out beside the new
 * attempts: two SMS per person. Now a send whose claim lost its lease never starts.
 */
describe('a send that waits past its lease', () => {
  let h: NotifierHarness;

  beforeAll(async () => {
    h = await NotifierHarness.start({ standIn: { faults: { storeThenHang: { next: 6 } } } });
    await h.startNotifier({
      TWILIO_MAX_CONCURRENCY: '1',
      TWILIO_REQUEST_TIMEOUT_MS: '500',
      TWILIO_SEND_LEAD_MS: '0',
      NOTIFIER_LEASE_MS: '1100',
      NOTIFIER_RECONCILE_GRACE_MS: '300',
      NOTIFIER_STATUS_POLL_AFTER_MS: '1000',
      NOTIFIER_MAX_ATTEMPTS: '20',
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('is never sent beside the attempt that replaced it', async () => {
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    const first = randomInt(1, 800_000_000);
    const numbers = Array.from({ length: PEOPLE }, (_, index) => testMsisdn(first + index));
    await h.send(
      h.topics.exposure,
      numbers.map((msisdn) =>
        personExposed({
          incidentId,
          tier: RiskTier.CRITICAL,
          language: 'en',
          categories: [PiiCategory.CNIC],
          numbers: [{ msisdn }],
          channels: [Channel.SMS],
          actions: [],
        }),
      ),
    );

    const states = () =>
      h.query<{ state: string; count: number }>(
        `SELECT state, count(*)::int AS count FROM notify.deliveries WHERE incident_id = $1 GROUP BY state ORDER BY state`,
        [incidentId],
      );
    await waitFor(
      async () => {
        const seen = await states();
        return seen.length === 1 && seen[0]?.state === 'delivered' && seen[0].count === PEOPLE ? seen : undefined;
      },
      'every SMS delivered',
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        explain: async () => `deliveries by state: ${JSON.stringify(await states())}`,
      },
    );

    // The scenario happened: leases ran out while sends waited for the slot.
    await waitFor(
      async () =>
        (
          await h.query<{ count: number }>(
            `SELECT count(*)::int AS count FROM notify.notification_log WHERE incident_id = $1 AND detail LIKE 'lease expired%'`,
            [incidentId],
          )
        )[0]?.count || undefined,
      'a lease that ran out, in the notification log',
    );
    const perNumber = numbers.map((msisdn) => h.smsTo(msisdn).length);
    expect(perNumber).toEqual(numbers.map(() => 1));
  }, 90_000);

  it('gives back at shutdown only claims its own lease still holds, never one claimed again since', async () => {
    // A delivery this instance claimed under `stale`, then lost and claimed again (a later lease) before it stopped.
    const [row] = await h.query<{ delivery_id: string; state: string }>(
      `SELECT delivery_id, state FROM notify.deliveries WHERE channel = 'sms' ORDER BY delivery_id LIMIT 1`,
    );
    const stale = randomUUID();
    const current = randomUUID();
    const stateOf = async () =>
      (
        await h.query<{ state: string }>(`SELECT state FROM notify.deliveries WHERE delivery_id = $1`, [
          row!.delivery_id,
        ])
      )[0]?.state;
    await h.query(
      `UPDATE notify.deliveries SET state = 'sending', lease_id = $2, lease_until = now() + interval '10 minutes'
       WHERE delivery_id = $1`,
      [row!.delivery_id, current],
    );
    try {
      const repository = h.app!.get(DeliveryRepository);
      await repository.release([{ deliveryId: row!.delivery_id, leaseId: stale }]);
      expect(await stateOf()).toBe('sending'); // the later claim keeps it
      await repository.release([{ deliveryId: row!.delivery_id, leaseId: current }]);
      expect(await stateOf()).toBe('unknown'); // its own claim gives it back
    } finally {
      await h.query(`UPDATE notify.deliveries SET state = $2, lease_until = NULL WHERE delivery_id = $1`, [
        row!.delivery_id,
        row!.state,
      ]);
    }
  });
});
