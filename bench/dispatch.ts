// Dispatch benchmark: N people of mixed tiers and languages, as PersonExposed events on Kafka, through
// the notifier (its own process) to the Twilio stand-in limited to L segments per second and the SMTP
// sink. Everything is counted from the stand-in's own message list and throughput counters.
//   node -r @swc-node/register bench/dispatch.ts [--people 100000] [--limit 500] [--incidents 24]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PiiCategory, RiskTier } from '@bnp/contracts';
import { describeLag } from '@bnp/testing';
import type { StoredMessage } from '@bnp/twilio-stand-in';
import { enrollmentCreated, personExposed, type ExposureEvent } from '@bnp/notifier/src/testing/events';
import { TEST_FROM, TEST_LOG_HMAC_KEY } from '@bnp/notifier/src/testing/harness';
import { noticeIdOf, referenceCodeOf } from '@bnp/notifier/src/shared/ids';
import { BENCH_RESULTS_DIR } from './lib/bench-env';
import { startNotifierBench } from './lib/notifier-bench';

const TIERS: { tier: RiskTier; share: number; categories: PiiCategory[] }[] = [
  { tier: RiskTier.CRITICAL, share: 0.1, categories: [PiiCategory.CNIC, PiiCategory.BANK_ACCOUNT, PiiCategory.NAME] },
  { tier: RiskTier.HIGH, share: 0.2, categories: [PiiCategory.CNIC, PiiCategory.NAME, PiiCategory.MSISDN] },
  {
    tier: RiskTier.MEDIUM,
    share: 0.3,
    categories: [PiiCategory.CALL_RECORDS, PiiCategory.LOCATION, PiiCategory.MSISDN],
  },
  { tier: RiskTier.LOW, share: 0.4, categories: [PiiCategory.NAME, PiiCategory.MSISDN, PiiCategory.POSTAL_ADDRESS] },
];

/** A small deterministic generator, so two runs send the same population. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REFERENCE = /[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}/;
const msisdn = (n: number) => `+923${String(100_000_000 + n)}`;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Person {
  event: ExposureEvent;
  /** The reference code the notifier prints on this person's notice (and finds it by). */
  reference: string;
  tier: RiskTier;
  numbers: string[];
  enrollment: { key: string; value: Buffer } | null;
}

function population(count: number, incidentId: string, firstNumber: number, random: () => number): Person[] {
  const people: Person[] = [];
  let next = firstNumber;
  for (let i = 0; i < count; i++) {
    let pick = random();
    const profile = TIERS.find((candidate) => (pick -= candidate.share) < 0) ?? TIERS[TIERS.length - 1]!;
    const roll = random();
    // ~10% of people hold two SIMs; ~5% have one that was recycled to someone else (never texted).
    const held = roll < 0.1 ? [msisdn(next++), msisdn(next++)] : [msisdn(next++)];
    const recycled = roll > 0.95 ? [msisdn(next++)] : [];
    const event = personExposed({
      incidentId,
      personId: `P-${incidentId}-${i}`,
      tier: profile.tier,
      language: random() < 0.5 ? 'ur' : 'en',
      categories: profile.categories,
      numbers: [
        ...held.map((number) => ({ msisdn: number })),
        ...recycled.map((number) => ({ msisdn: number, stillHeld: false })),
      ],
      email: random() < 0.7 ? `p${i}@bench.example.pk` : undefined,
    });
    const protectedTier = profile.tier === RiskTier.CRITICAL || profile.tier === RiskTier.HIGH;
    people.push({
      event,
      reference: referenceCodeOf(Buffer.from(TEST_LOG_HMAC_KEY, 'base64'), noticeIdOf(event.idempotencyKey)),
      tier: profile.tier,
      numbers: held,
      // fraud-guard, simulated: it enrols protected tiers and publishes the activation code at once.
      enrollment: protectedTier
        ? enrollmentCreated({
            incidentId,
            personId: event.personId,
            idempotencyKey: event.idempotencyKey,
            code: `AC-${String(i).padStart(6, '0')}`,
          })
        : null,
    });
  }
  return people;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '100000' },
      limit: { type: 'string', default: '500' },
      incidents: { type: 'string', default: '24' },
    },
  });
  const people = Number(values.people);
  const limit = Number(values.limit);
  const incidents = Math.max(20, Number(values.incidents));
  const random = prng(20260304);
  const bench = await startNotifierBench({
    database: 'dispatch',
    limit,
    env: { DATABASE_POOL_SIZE: '30', NOTIFIER_POLL_INTERVAL_MS: '200' },
  });
  const { run, db, standIn, topics, groups, kafka } = bench;
  const notifier = bench.notifiers[0];
  const produce = bench.produce.bind(bench);
  /** What the notifier was doing, for a wait that expired: its notices and deliveries, its group's lag, its log. */
  const explain = async (incidentId: string) => {
    const states = await db.query<{ what: string; count: number }>(
      `SELECT 'notice:' || state AS what, count(*)::int AS count FROM notify.notices WHERE incident_id = $1 GROUP BY state
       UNION ALL SELECT channel || ':' || state, count(*)::int FROM notify.deliveries WHERE incident_id = $1 GROUP BY channel, state
       UNION ALL SELECT 'outbox', count(*)::int FROM notify.outbox`,
      [incidentId],
    );
    const rows = states.rows.map((row) => `${row.what}=${row.count}`).join(' ') || 'no notices';
    const lag = await describeLag(kafka, groups[0], [topics.exposure, topics.fraudEnrollments]).catch(
      (error: unknown) => `lag unknown: ${String(error)}`,
    );
    return `${rows}; ${lag}; ${notifier.lastLines()}`;
  };

  try {
    // 1. Latency: small incidents one after another on an idle system, event on Kafka -> first SMS accepted.
    let nextNumber = 0;
    const latencies: number[] = [];
    for (let i = 0; i < incidents; i++) {
      const group = population(5, `LAT-${run}-${i}`, nextNumber, random);
      nextNumber += 20;
      const numbers = new Set(group.flatMap((person) => person.numbers));
      const producedAt = Date.now();
      await produce(
        topics.exposure,
        group.map((person) => person.event),
      );
      await produce(
        topics.fraudEnrollments,
        group.flatMap((person) => (person.enrollment ? [person.enrollment] : [])),
      );
      const deadline = Date.now() + 60_000;
      let first: StoredMessage | undefined;
      while (!first && Date.now() < deadline) {
        first = standIn.store.all().find((message) => numbers.has(message.to));
        if (!first) await sleep(2);
      }
      if (!first) {
        throw new Error(
          `no SMS within 60 s for latency incident ${i} (${numbers.size} numbers); saw ${await explain(`LAT-${run}-${i}`)}`,
        );
      }
      latencies.push(first.dateCreated - producedAt);
      while (
        standIn.store.all().filter((message) => numbers.has(message.to)).length < numbers.size &&
        Date.now() < deadline
      )
        await sleep(20);
      await sleep(200);
    }
    console.log(`[bench] first SMS after ${latencies.join(', ')} ms`);

    // 2. Throughput: one incident of N people, tiers shuffled, all produced at once.
    await standIn.admin.reset();
    const incidentId = `BENCH-${run}`;
    const crowd = population(people, incidentId, 1_000_000, random);
    const tierOf = new Map<string, RiskTier>();
    for (const person of crowd) for (const number of person.numbers) tierOf.set(number, person.tier);
    const expectedSms = tierOf.size;
    const producedAt = Date.now();
    for (let start = 0; start < crowd.length; start += 5000) {
      const slice = crowd.slice(start, start + 5000);
      await produce(
        topics.exposure,
        slice.map((person) => person.event),
      );
      await produce(
        topics.fraudEnrollments,
        slice.flatMap((person) => (person.enrollment ? [person.enrollment] : [])),
      );
    }
    console.log(
      `[bench] ${people} events and their enrollments produced in ${((Date.now() - producedAt) / 1000).toFixed(1)} s; ${expectedSms} SMS expected`,
    );

    let lastCount = -1;
    let stableSince = Date.now();
    let lastProgress = Date.now();
    // Never forever: three times what the rate limit allows (2.5 segments an SMS) plus ten minutes.
    const giveUpAt = producedAt + 3 * ((expectedSms * 2.5) / limit) * 1000 + 10 * 60_000;
    let stuck = '';
    for (;;) {
      await sleep(1000);
      const count = standIn.store.size;
      if (count !== lastCount) {
        lastCount = count;
        stableSince = Date.now();
        if (Date.now() - lastProgress > (process.env.BENCH_TRACE ? 5000 : 15_000)) {
          lastProgress = Date.now();
          const sender = standIn.admin.stats().senders[TEST_FROM];
          console.log(
            `[bench] ${count}/${expectedSms} SMS accepted, ${sender?.achievedSegmentsPerSecond?.toFixed(1) ?? '-'} segments/s so far`,
          );
          if (process.env.BENCH_TRACE) {
            const states = await db.query<{ what: string; count: number }>(
              `SELECT 'notice:' || state AS what, count(*)::int AS count FROM notify.notices WHERE incident_id = $1 GROUP BY state
               UNION ALL SELECT channel || ':' || state, count(*)::int FROM notify.deliveries WHERE incident_id = $1 GROUP BY channel, state
               UNION ALL SELECT 'outbox', count(*)::int FROM notify.outbox UNION ALL SELECT 'log', count(*)::int FROM notify.notification_log`,
              [incidentId],
            );
            console.log(`[bench]   ${states.rows.map((row) => `${row.what}=${row.count}`).join(' ')}`);
          }
        }
      }
      // Done when everything expected arrived and nothing more came for a while (a late duplicate would).
      if (count >= expectedSms && Date.now() - stableSince > 5000) break;
      if (Date.now() - stableSince > 120_000 || Date.now() > giveUpAt) {
        // Stuck (or far too slow): the figures below still say what was lost; then the run fails with why.
        const why = Date.now() > giveUpAt ? 'the deadline passed' : 'no SMS for 120 s';
        stuck = `${count} of ${expectedSms} SMS accepted when ${why}; saw ${await explain(incidentId)}`;
        break;
      }
    }
    const seconds = (Date.now() - producedAt) / 1000;

    // One SMS is expected per held number and notice; a notice is recognised by its reference code.
    const messages = [...standIn.store.all()].sort((a, b) => a.seq - b.seq);
    const expected = new Set(
      crowd.flatMap((person) => person.numbers.map((number) => `${number} ${person.reference}`)),
    );
    const received = new Map<string, number>();
    for (const message of messages) {
      const pair = `${message.to} ${REFERENCE.exec(message.body)?.[0] ?? '?'}`;
      received.set(pair, (received.get(pair) ?? 0) + 1);
    }
    const duplicates = [...received.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    const lost = [...expected].filter((pair) => !received.has(pair)).length;
    // Protection details sent after an enrollment that came too late carry their own reference code.
    const followUps = [...received.keys()].filter(
      (pair) => !expected.has(pair) && tierOf.has(pair.split(' ')[0] ?? ''),
    ).length;
    const unexpected = [...received.keys()].filter((pair) => !tierOf.has(pair.split(' ')[0] ?? '')).length;
    let lastCritical = -1;
    messages.forEach((message, index) => {
      if (tierOf.get(message.to) === RiskTier.CRITICAL) lastCritical = index;
    });
    const priorityViolations = messages
      .slice(0, Math.max(0, lastCritical))
      .filter((message) =>
        [RiskTier.LOW, RiskTier.MEDIUM].includes(tierOf.get(message.to) ?? RiskTier.UNSPECIFIED),
      ).length;
    const stats = standIn.admin.stats();
    const sender = stats.senders[TEST_FROM];
    const segments = messages.reduce((sum, message) => sum + message.segments, 0);
    const outcomes = (
      await db.query<{ outcome: string; count: number }>(
        `SELECT outcome, count(*)::int AS count FROM notify.notices WHERE incident_id = $1 GROUP BY outcome`,
        [incidentId],
      )
    ).rows;
    const emails =
      (
        await db.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM notify.deliveries WHERE incident_id = $1 AND channel = 'email' AND state = 'sent'`,
          [incidentId],
        )
      ).rows[0]?.count ?? 0;
    const logEntries =
      (
        await db.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM notify.notification_log WHERE incident_id = $1`,
          [incidentId],
        )
      ).rows[0]?.count ?? 0;

    const achieved = sender?.achievedSegmentsPerSecond ?? 0;
    const result = {
      benchmark: 'dispatch',
      notices: people,
      limit_sps: limit,
      achieved_sps: Number(achieved.toFixed(1)),
      achieved_ratio: Number((achieved / limit).toFixed(3)),
      duplicates,
      lost,
      unexpected_recipients: unexpected,
      protection_follow_ups: followUps,
      priority_violations: priorityViolations,
      p50_first_sms_ms: percentile(latencies, 50),
      p95_first_sms_ms: percentile(latencies, 95),
      latency_incidents: latencies.length,
      sms_expected: expectedSms,
      sms_accepted: messages.length,
      segments,
      segments_per_sms: Number((segments / Math.max(1, messages.length)).toFixed(2)),
      emails_sent: emails,
      notices_by_outcome: Object.fromEntries(outcomes.map((row) => [row.outcome, row.count])),
      notification_log_entries: logEntries,
      seconds: Number(seconds.toFixed(1)),
      peak_rss_mb: { notifier: notifier.peakRssMb() },
      measured_at: new Date().toISOString(),
      note: "achieved_sps: segments released per second by the stand-in's sender queue (first to last release); duplicates and lost: the stand-in's message list against the held numbers; priority_violations: LOW/MEDIUM SMS accepted before the last CRITICAL; p50_first_sms_ms: exposure event produced -> first SMS accepted, over small incidents on an idle system.",
    };
    mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
    writeFileSync(join(BENCH_RESULTS_DIR, 'dispatch.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    if (stuck) throw new Error(`dispatch benchmark did not finish: ${stuck}`);
    if (lost > 0 || duplicates > 0) process.exitCode = 1;
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
