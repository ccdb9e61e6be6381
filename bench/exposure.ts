// Exposure benchmark: a breach event produced on Kafka -> breach-intake -> exposure -> the last
// exposure.v1 acknowledged by the broker, for a synthetic operator of N subscribers, against a bare
// hand-written INSERT ... SELECT of the same per-person exposure set in the same database and run.
//   node -r @swc-node/register bench/exposure.ts [--subscribers 1000000]
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Kafka, logLevel } from 'kafkajs';
import type { Client } from 'pg';
import { BreachReportedSchema, PiiCategory, Region, Severity, Topics } from '@bnp/contracts';
import { TEST_PII_KEYS, startGroupAtEnd } from '@bnp/testing';
import { freshBenchDatabase, waitUntilFannedOut } from './lib/bench-db';
import { averageExposureRecordSize, kafkaProducerPerformance } from './lib/kafka-reference';
import { startService, type ServiceProcess } from './lib/processes';
import { BENCH_ASSETS, generateSqlOperator } from './lib/sql-operator';

const categoryValues: Record<string, unknown> = PiiCategory;
function categoryMask(names: string[]): number {
  return names.reduce((mask, name) => mask | (2 ** Number(categoryValues[name])), 0);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { subscribers: { type: 'string', default: '1000000' }, 'keep-operator': { type: 'boolean' } },
  });
  const subscribers = Number(values.subscribers);
  // --keep-operator: generate the operator once per size and keep its database for the next run.
  const { url, db, reused, drop } = await freshBenchDatabase(
    values['keep-operator'] ? `bnp_bench_exposure_${subscribers}` : 'bnp_bench_exposure',
    values['keep-operator'],
  );

  if (reused) {
    await clearEarlierRuns(db);
    console.log(`[bench] operator of ${subscribers} subscribers reused; earlier runs' results cleared`);
  } else {
    const started = Date.now();
    await generateSqlOperator(db, subscribers, categoryMask);
    console.log(
      `[bench] operator of ${subscribers} subscribers generated in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }

  const run = randomUUID().slice(0, 8);
  const env = {
    DATABASE_URL: url,
    LOG_LEVEL: 'warn',
    ...TEST_PII_KEYS,
    INTAKE_CONSUMER_GROUP: `bench-intake-${run}`,
    EXPOSURE_CONSUMER_GROUP: `bench-exposure-${run}`,
    GATE_MAX_PEOPLE_WITHOUT_APPROVAL: String(1_000_000_000),
  };
  const kafka = new Kafka({ brokers: ['127.0.0.1:9092'], clientId: 'bench', logLevel: logLevel.NOTHING });
  await startGroupAtEnd(kafka, env.INTAKE_CONSUMER_GROUP, [Topics.breachEvents]);
  await startGroupAtEnd(kafka, env.EXPOSURE_CONSUMER_GROUP, [Topics.incidentRevisions, Topics.inventoryChanges]);
  const services: ServiceProcess[] = [
    await startService('breach-intake', 3101, env),
    await startService('exposure', 3102, env),
  ];

  // The breach (about a third of subscribers): CRM records of Sindh and Khyber Pakhtunkhwa, Balochistan's wallets.
  const incidentId = `BENCH-${run}`;
  const event = create(BreachReportedSchema, {
    eventId: randomUUID(),
    incidentId,
    revision: 1,
    reportedAt: timestampFromDate(new Date()),
    detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00Z')),
    occurredTo: timestampFromDate(new Date('2026-03-04T20:00:00Z')),
    severity: Severity.CRITICAL,
    summary: 'Benchmark breach',
    compromisedAssets: [
      {
        assetId: 'crm.subscribers',
        scope: { kind: { case: 'regions', value: { regions: [Region.SINDH, Region.KHYBER_PAKHTUNKHWA] } } },
      },
      { assetId: 'wallet.accounts', scope: { kind: { case: 'regions', value: { regions: [Region.BALOCHISTAN] } } } },
    ],
  });
  await waitForStableGroups(kafka, [env.INTAKE_CONSUMER_GROUP, env.EXPOSURE_CONSUMER_GROUP]);
  const producer = kafka.producer();
  await producer.connect();
  const sentAt = new Date();
  await producer.send({
    topic: Topics.breachEvents,
    acks: -1,
    messages: [{ key: incidentId, value: Buffer.from(toBinary(BreachReportedSchema, event)) }],
  });
  await producer.disconnect();

  const { events, lastAck } = await waitUntilFannedOut(db, incidentId);
  const seconds = (lastAck - sentAt.getTime()) / 1000;
  const stages = (
    await db.query<{ computed: Date; compute_ms: number; steps: Record<string, number> }>(
      `SELECT r.computed_at AS computed, r.compute_ms, r.summary -> 'timingsMs' AS steps
       FROM exposure.revisions r WHERE r.incident_id = $1`,
      [incidentId],
    )
  ).rows[0]!;
  for (const service of services) await service.stop();
  const peak = Object.fromEntries(services.map((service) => [service.name, service.peakRssMb()]));

  // Baseline: the same per-person set with one bare statement, no revisions, no tiers, no fan-out.
  const baselineStarted = performance.now();
  await db.query(`CREATE TEMP TABLE baseline AS
    SELECT s.person_id, bit_or(h.cats) AS categories FROM (
      SELECT h.subscriber_id, a.categories AS cats FROM exposure.holdings h JOIN exposure.assets a USING (asset_id)
       WHERE h.asset_id = 'crm.subscribers' AND h.region IN (2, 3) AND h.records_from <= '2026-03-04T20:00:00Z'
      UNION ALL
      SELECT h.subscriber_id, a.categories FROM exposure.holdings h JOIN exposure.assets a USING (asset_id)
       WHERE h.asset_id = 'wallet.accounts' AND h.region = 4 AND h.records_from <= '2026-03-04T20:00:00Z') h
    JOIN exposure.subscribers s USING (subscriber_id) GROUP BY s.person_id`);
  const baselineSeconds = (performance.now() - baselineStarted) / 1000;
  const hash = async (sql: string) => (await db.query<{ hash: string }>(sql)).rows[0]!.hash;
  const baselineHash = await hash(
    `SELECT md5(string_agg(person_id::text || ':' || categories, ',' ORDER BY person_id)) AS hash FROM baseline`,
  );
  const systemHash = await hash(
    `SELECT md5(string_agg(person_id::text || ':' || categories, ',' ORDER BY person_id)) AS hash FROM exposure.person_exposures WHERE incident_id = '${incidentId}'`,
  );
  const affected = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM baseline')).rows[0]!.n;
  await drop();

  // The floor: Kafka's own JVM producer writing the same number of records of the same size. Even with
  // the set computed for free and streamed as it is computed, the path cannot be faster than this.
  const kafkaReference = await kafkaProducerPerformance(events, await averageExposureRecordSize(incidentId, events));

  const result = {
    benchmark: 'exposure',
    subscribers,
    assets: BENCH_ASSETS.length,
    affected_people: affected,
    events,
    seconds: round(seconds),
    baseline_seconds: round(baselineSeconds),
    ratio: round(seconds / baselineSeconds),
    same_set: baselineHash === systemHash,
    kafka_reference: kafkaReference,
    floor_ratio: round(Math.max(baselineSeconds, kafkaReference.seconds) / baselineSeconds),
    // The release gate decides on a revision's count of people before any of them is sent, so a path that honours
    // it computes the whole set and then writes the records: at best the baseline plus the reference.
    gated_floor_ratio: round((baselineSeconds + kafkaReference.seconds) / baselineSeconds),
    peak_rss_mb: peak,
    stages_seconds: {
      until_resolved: round((stages.computed.getTime() - sentAt.getTime()) / 1000),
      resolution_transaction: round(stages.compute_ms / 1000),
      fan_out: round((lastAck - stages.computed.getTime()) / 1000),
    },
    resolution_steps_ms: stages.steps,
    measured_at: new Date().toISOString(),
    note: 'seconds: BreachReported produced -> last exposure.v1 acknowledged (intake, resolution job, fan-out). fan_out: resolution committed -> last acknowledged. baseline: one bare INSERT ... SELECT of the per-person set. kafka_reference: ProducerPerformance (JVM client) writing as many records of the same mean size, acks=all; floor_ratio: max(baseline, that) / baseline, the best ratio any implementation could reach on this machine and broker; gated_floor_ratio: (baseline + that) / baseline, the best for one that counts a revision before sending it, as the release gate does.',
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'exposure.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  if (!result.same_set) process.exitCode = 1;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** What earlier runs computed goes; the directory and inventory stay. Vacuumed so no run inherits dead rows. */
async function clearEarlierRuns(db: Client): Promise<void> {
  await db.query(
    `TRUNCATE exposure.person_exposures, exposure.exposure_events, exposure.revisions, exposure.release_approvals,
       exposure.incidents, exposure.resolution_jobs, exposure.outbox`,
  );
  const { rows } = await db.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'exposure'",
  );
  for (const { name } of rows) await db.query(`VACUUM ANALYZE exposure."${name}"`);
}

/** Measures the pipeline, not the consumer groups' first join: wait until both groups are Stable. */
async function waitForStableGroups(kafka: Kafka, groupIds: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { groups } = await admin.describeGroups(groupIds);
    if (groups.every((group) => group.state === 'Stable')) break;
    if (Date.now() > deadline) {
      console.warn(
        `[bench] consumer groups not stable after 60 s: ${groups.map((g) => `${g.groupId}=${g.state}`).join(', ')}`,
      );
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await admin.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
