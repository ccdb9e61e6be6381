import { randomInt, randomUUID } from 'node:crypto';
import { Channel, PiiCategory, RiskTier } from '@bnp/contracts';
import { waitFor } from '@bnp/testing';
import { personExposed, testMsisdn } from '../testing/events';
import { NotifierHarness } from '../testing/harness';

const PEOPLE = 80;

/**
 * The failures that make a naive sender text someone twice or not at all: Twilio stores the message
 * and then answers 500, drops the connection, or never answers; plain 500s and 429s; status callbacks
 * that never come; a message list that lags behind creates (longer than the grace period, so a first
 * search misses messages that exist). Leases are short, so attempts outlive them when the machine is
 * slow. Counted from the stand-in's own store, with one notifier instance and with two.
 * scripts/repeat-spec.sh runs this spec many times in a row with a core kept busy (ADR 0011).
 */
describe.each([
  { instances: 1, label: 'one instance' },
  { instances: 2, label: 'two instances' },
])('sending through provider faults ($label)', ({ instances }) => {
  let h: NotifierHarness;

  beforeAll(async () => {
    h = await NotifierHarness.start({
      standIn: {
        faults: {
          storeThen500: { probability: 0.15 },
          storeThenDestroy: { probability: 0.15 },
          storeThenHang: { probability: 0.1 },
          error500: { probability: 0.1 },
          burst429: { probability: 0.1 },
          callbackLoss: { probability: 0.2 },
          listLag: { ms: 500 },
        },
      },
      env: {
        NOTIFIER_STATUS_POLL_AFTER_MS: '1000',
        NOTIFIER_MAX_ATTEMPTS: '20',
        TWILIO_REQUEST_TIMEOUT_MS: '800',
        NOTIFIER_LEASE_MS: '2000',
        NOTIFIER_RECONCILE_GRACE_MS: '300',
        // Two instances share the machine's PostgreSQL with every other suite: 10 connections each.
        DATABASE_POOL_SIZE: '10',
      },
    });
    await h.startNotifier();
    if (instances === 2) await h.startAnotherInstance('b');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('texts every person exactly once', async () => {
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    const first = randomInt(1, 800_000_000);
    const numbers = Array.from({ length: PEOPLE }, (_, index) => testMsisdn(first + index));
    const events = numbers.map((msisdn, index) =>
      personExposed({
        incidentId,
        tier: index % 2 === 0 ? RiskTier.CRITICAL : RiskTier.MEDIUM,
        language: index % 3 === 0 ? 'en' : 'ur',
        categories: [PiiCategory.CNIC, PiiCategory.CALL_RECORDS],
        numbers: [{ msisdn }],
        channels: [Channel.SMS],
        actions: [],
      }),
    );
    await h.send(h.topics.exposure, events);

    const states = () =>
      h.query<{ state: string; count: number }>(
        `SELECT state, count(*)::int AS count FROM notify.deliveries WHERE incident_id = $1 GROUP BY state ORDER BY state`,
        [incidentId],
      );
    await waitFor(
      async () => {
        const seen = await states();
        return seen.length === 1 && seen[0]?.state === 'delivered' && seen[0].count === numbers.length
          ? seen
          : undefined;
      },
      'every SMS delivered',
      {
        timeoutMs: 90_000,
        intervalMs: 250,
        explain: async () => `deliveries by state: ${JSON.stringify(await states())}`,
      },
    );

    const injected = h.standIn.admin.faults().injected;
    expect(injected.storeThen500 + injected.storeThenDestroy + injected.storeThenHang).toBeGreaterThan(5);
    expect(injected.error500 + injected.burst429).toBeGreaterThan(0);
    const perNumber = numbers.map((msisdn) => h.smsTo(msisdn).length);
    expect(perNumber.filter((count) => count === 0)).toHaveLength(0); // nobody lost
    expect(perNumber.filter((count) => count > 1)).toHaveLength(0); // nobody texted twice
    // Attempts whose answer was lost were settled (by a callback or the provider's list) and never resent.
    const unknown = await waitFor(
      async () =>
        (
          await h.query<{ count: number }>(
            `SELECT count(DISTINCT subject_id)::int AS count FROM notify.notification_log WHERE incident_id = $1 AND status = 'unknown'`,
            [incidentId],
          )
        )[0]?.count || undefined,
      'unknown outcomes in the notification log',
    );
    expect(unknown).toBeGreaterThan(5);
    const outcomes = await h.query<{ outcome: string; count: number }>(
      `SELECT outcome, count(*)::int AS count FROM notify.notices WHERE incident_id = $1 GROUP BY outcome`,
      [incidentId],
    );
    expect(outcomes).toEqual([{ outcome: 'reached', count: numbers.length }]);
  }, 180_000);
});
