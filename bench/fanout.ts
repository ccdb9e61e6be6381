// Fan-out benchmark: exposure.v1 for N people (default 1,000,000), measured from committed outbox rows
// (exposure_events released at the gate) to the broker's acknowledgement of the last one, beside Kafka's
// own org.apache.kafka.tools.ProducerPerformance in the same run with the same record size, acks=all,
// no compression and --throughput -1.
//   node -r @swc-node/register bench/fanout.ts [--people 1000000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PiiCategory, Topics } from '@bnp/contracts';
import { TEST_PII_KEYS, describeLag, startGroupAtEnd } from '@bnp/testing';
import { freshBenchDatabase, waitUntilFannedOut } from './lib/bench-db';
import { BENCH_RESULTS_DIR, benchKafka } from './lib/bench-env';
import { averageExposureRecordSize, kafkaProducerPerformance } from './lib/kafka-reference';
import { startService } from './lib/processes';
import { generateSqlOperator } from './lib/sql-operator';

const categoryValues: Record<string, unknown> = PiiCategory;
const categoryMask = (names: string[]) => names.reduce((mask, name) => mask | (2 ** Number(categoryValues[name])), 0);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { people: { type: 'string', default: '1000000' } } });
  const people = Number(values.people);
  const { url, db, drop } = await freshBenchDatabase('fanout');
  await generateSqlOperator(db, Math.round(people * 1.1), categoryMask);
  const incidentId = `FANOUT-${Date.now()}`;
  // One revision whose events are all held at the gate: committed outbox rows, waiting.
  await db.query(
    `INSERT INTO exposure.revisions (incident_id, revision, revision_id, status, dry_run, people_affected, events, policy_version,
       jurisdiction, detected_at, occurred_to, attack_vectors, summary, compute_ms)
     VALUES ($1, 1, gen_random_uuid(), 'HELD', false, $2, $2, 'bench', 'PK', now(), now(), '{1}', '{}', 0)`,
    [incidentId, people],
  );
  await db.query(`INSERT INTO exposure.incidents (incident_id, current_revision) VALUES ($1, 1)`, [incidentId]);
  await db.query(
    `INSERT INTO exposure.exposure_events (incident_id, revision, person_id, exposure_id, change, categories, new_categories, tier,
       policy_rule, subscriber_ids)
     SELECT $1, 1, p.person_id, gen_random_uuid(), 1, 14, 14, 3, 'identity-sim-or-financial',
            ARRAY(SELECT s.subscriber_id FROM exposure.subscribers s WHERE s.person_id = p.person_id)
     FROM (SELECT person_id FROM exposure.persons ORDER BY person_id LIMIT $2) p`,
    [incidentId, people],
  );
  await db.query('ANALYZE exposure.exposure_events');
  const groupId = `bench-fanout-${Date.now()}`;
  const kafka = benchKafka('bench-fanout');
  const topics = [Topics.incidentRevisions, Topics.inventoryChanges];
  await startGroupAtEnd(kafka, groupId, topics);
  const service = await startService('exposure', 0, {
    DATABASE_URL: url,
    LOG_LEVEL: 'warn',
    ...TEST_PII_KEYS,
    EXPOSURE_CONSUMER_GROUP: groupId,
  });

  const cpuBefore = service.cpuSeconds();
  const released = Date.now();
  await db.query(`UPDATE exposure.revisions SET status = 'RELEASED', released_at = now() WHERE incident_id = $1`, [
    incidentId,
  ]);
  await db.query(`SELECT pg_notify('exposure_events', '')`);
  const { lastAck: last } = await waitUntilFannedOut(db, incidentId, {
    // 1M took 25 s on an idle machine; a loaded one gets far more, but never forever.
    timeoutMs: 5 * 60_000 + people * 0.5,
    explain: async () => `${await describeLag(kafka, groupId, topics)}; ${service.lastLines()}`,
  });
  const cpuSeconds = service.cpuSeconds() - cpuBefore;
  await service.stop();
  const seconds = (last - released) / 1000;

  const recordSize = await averageExposureRecordSize(incidentId, people);
  const reference = await kafkaProducerPerformance(people, recordSize);
  const ours = people / seconds;
  const result = {
    benchmark: 'fanout',
    people,
    seconds: round(seconds),
    records_per_second: Math.round(ours),
    record_size_bytes: recordSize,
    kafka_producer_performance: {
      records_per_second: reference.records_per_second,
      mb_per_second: reference.mb_per_second,
    },
    ratio: round(ours / reference.records_per_second),
    exposure_cpu_us_per_record: round((cpuSeconds * 1e6) / people),
    peak_rss_mb: { exposure: service.peakRssMb() },
    measured_at: new Date().toISOString(),
    note: 'ratio = our fan-out rate / ProducerPerformance rate (same broker, record size, acks=all, no compression, run). exposure_cpu_us_per_record: CPU time (user + system, from /proc) the exposure service spent per record while fanning out.',
  };
  await drop();
  mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
  writeFileSync(join(BENCH_RESULTS_DIR, 'fanout.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

const round = (value: number) => Math.round(value * 1000) / 1000;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
