// Dispatch under provider faults (ADR 0011): N people through one or two notifier processes while the
// Twilio stand-in stores-then-fails, hangs, drops connections, answers 500 and 429, loses callbacks and
// lists messages late. Duplicates and losses are counted from the stand-in's own store, not from the
// notifier's tables.
//   node -r @swc-node/register bench/dispatch-faults.ts [--people 2000] [--instances 2] [--limit 500]
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Channel, PiiCategory, RiskTier } from '@bnp/contracts';
import { personExposed, testMsisdn } from '@bnp/notifier/src/testing/events';
import { BENCH_RESULTS_DIR } from './lib/bench-env';
import { startNotifierBench } from './lib/notifier-bench';

/** The faults of provider-faults.integration-spec.ts. */
const FAULTS = {
  storeThen500: { probability: 0.15 },
  storeThenDestroy: { probability: 0.15 },
  storeThenHang: { probability: 0.1 },
  error500: { probability: 0.1 },
  burst429: { probability: 0.1 },
  callbackLoss: { probability: 0.2 },
  listLag: { ms: 500 },
};
const DEADLINE_MS = 30 * 60_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '2000' },
      instances: { type: 'string', default: '2' },
      limit: { type: 'string', default: '500' },
    },
  });
  const people = Number(values.people);
  const instances = Math.max(1, Number(values.instances));
  const limit = Number(values.limit);
  const bench = await startNotifierBench({
    database: 'dispatch_faults',
    limit,
    instances,
    faults: FAULTS,
    env: {
      NOTIFIER_SETTLE_MS: '500',
      NOTIFIER_MAX_ATTEMPTS: '20',
      NOTIFIER_STATUS_POLL_AFTER_MS: '2000',
      NOTIFIER_LEASE_MS: '4000',
      NOTIFIER_RECONCILE_GRACE_MS: '300',
      NOTIFIER_RETRY_BASE_MS: '100',
      NOTIFIER_RETRY_MAX_MS: '2000',
      TWILIO_REQUEST_TIMEOUT_MS: '800',
    },
  });
  const { db, standIn, topics, notifiers } = bench;
  try {
    const incidentId = `FAULTS-${bench.run}`;
    const first = randomInt(1, 800_000_000);
    const numbers = Array.from({ length: people }, (_, index) => testMsisdn(first + index));
    const events = numbers.map((msisdn, index) =>
      personExposed({
        incidentId,
        tier: [RiskTier.CRITICAL, RiskTier.HIGH, RiskTier.MEDIUM, RiskTier.LOW][index % 4] ?? RiskTier.LOW,
        language: index % 3 === 0 ? 'en' : 'ur',
        categories: [PiiCategory.CNIC, PiiCategory.CALL_RECORDS],
        numbers: [{ msisdn }],
        channels: [Channel.SMS],
        actions: [],
      }),
    );
    const started = Date.now();
    await bench.produce(topics.exposure, events);
    const pending = async () =>
      (
        await db.query<{ state: string; count: number }>(
          `SELECT state, count(*)::int AS count FROM notify.deliveries WHERE incident_id = $1 AND state <> 'delivered' GROUP BY state`,
          [incidentId],
        )
      ).rows;
    const delivered = async () =>
      (
        await db.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM notify.deliveries WHERE incident_id = $1 AND state = 'delivered'`,
          [incidentId],
        )
      ).rows[0]?.count ?? 0;
    let last = '';
    for (;;) {
      const done = await delivered();
      if (done === people) break;
      const left = JSON.stringify(await pending());
      if (Date.now() - started > DEADLINE_MS) {
        throw new Error(`gave up after ${DEADLINE_MS / 60_000} min: ${done}/${people} delivered; not yet: ${left}`);
      }
      if (left !== last) console.log(`[bench] ${done}/${people} delivered; not yet: ${left}`);
      last = left;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    const seconds = (Date.now() - started) / 1000;
    const perNumber = numbers.map((msisdn) => standIn.admin.messages(msisdn).length);
    const result = {
      benchmark: 'dispatch-faults',
      people,
      instances,
      limit_sps: limit,
      duplicates: perNumber.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
      lost: perNumber.filter((count) => count === 0).length,
      faults: FAULTS,
      injected: standIn.admin.faults().injected,
      seconds: Number(seconds.toFixed(1)),
      peak_rss_mb: Object.fromEntries(notifiers.map((service, i) => [`notifier-${i}`, service.peakRssMb()])),
      measured_at: new Date().toISOString(),
      note: 'duplicates: SMS beyond the first per number, lost: numbers without any SMS, both counted in the stand-in store; every delivery delivered before the count is taken',
    };
    mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
    writeFileSync(join(BENCH_RESULTS_DIR, 'dispatch-faults.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    if (result.duplicates > 0 || result.lost > 0) process.exitCode = 1;
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
