// Transparency log benchmark: N notification.log.v1 entries (default 1,000,000; --quick 100,000) through the
// real path: Kafka topic -> transparency-log service (its own process) -> tiles -> signed, witnessed
// checkpoint. Reference in the same run: Kafka's own ConsumerPerformance reading the same records, plus a
// COPY of the same rows into a table with the log's indexes. Then the incident's bundle is exported and
// verified by the stand-alone CLI.
//   node -r @swc-node/register bench/log.ts [--entries 1000000] [--quick]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Kafka, logLevel } from 'kafkajs';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { LogChannel, LogEntryKind, NotificationLogEntrySchema, Topics, encodeMessage } from '@bnp/contracts';
import { LOCAL_CLIENT_SECRETS, TEST_PII_KEYS, serviceToken, startGroupAtEnd } from '@bnp/testing';
import {
  COSIGNATURE_V1_TYPE,
  ED25519_TYPE,
  ed25519FromSeed,
  parseVerifierKey,
  signerKey,
  verifierKey,
} from '@bnp/tlog';
import { FileWitnessState, Witness, startWitnessServer } from '@bnp/witness';
import { freshBenchDatabase } from './lib/bench-db';
import { BENCH_RESULTS_DIR } from './lib/bench-env';
import { kafkaConsumerPerformance } from './lib/kafka-reference';
import { startService } from './lib/processes';

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const ROOT = join(__dirname, '..');
const ORIGIN = 'bnp.local/transparency-log';

async function produce(kafka: Kafka, incident: string, entries: number): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const occurredAt = timestampFromDate(new Date());
  const batch = 5000;
  const inFlight: Promise<unknown>[] = [];
  for (let from = 0; from < entries; from += batch) {
    const messages = Array.from({ length: Math.min(batch, entries - from) }, (_, k) => {
      const person = `P-${from + k}`;
      return {
        key: person,
        value: encodeMessage(NotificationLogEntrySchema, {
          entryId: randomUUID(),
          occurredAt,
          source: 'notifier',
          incidentId: incident,
          revision: 1,
          personId: person,
          subjectId: `D-${from + k}`,
          kind: LogEntryKind.STATUS_CHANGED,
          channel: LogChannel.SMS,
          status: 'delivered',
          templateId: 'breach-notice',
          templateVersion: '3',
          contentHmac: 'ab'.repeat(32),
          providerRef: `SM${String(from + k).padStart(32, '0')}`,
          recipientMasked: '+92 3** *** **67',
        }),
      };
    });
    inFlight.push(producer.send({ topic: Topics.notificationLog, acks: 1, messages }));
    if (inFlight.length >= 8) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.disconnect();
}

/** Empties the topic up to its end, so the reference consumer reads exactly the records the log will. */
async function truncate(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.deleteTopicRecords({ topic, partitions: offsets.map(({ partition }) => ({ partition, offset: '-1' })) });
  await admin.disconnect();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { entries: { type: 'string' }, quick: { type: 'boolean' } },
    allowPositionals: true,
    strict: false,
  });
  const entries = Number(values.entries ?? (values.quick ? 100_000 : 1_000_000));
  const kafka = new Kafka({ brokers: BROKERS.split(','), clientId: 'bench-log', logLevel: logLevel.NOTHING });
  const { url, db, drop } = await freshBenchDatabase('bnp_bench_log');
  const incident = `LOG-${Date.now()}`;
  const group = `bench-log-${Date.now()}`;
  await truncate(kafka, Topics.notificationLog);
  await startGroupAtEnd(kafka, group, [Topics.notificationLog, Topics.exposure]);
  console.error(`[bench log] producing ${entries} entries to ${Topics.notificationLog}`);
  await produce(kafka, incident, entries);

  const logKey = ed25519FromSeed(ORIGIN, Buffer.alloc(32, 77));
  const witnessKey = ed25519FromSeed('witness.bnp.local', Buffer.alloc(32, 78));
  const vkey = verifierKey(ORIGIN, ED25519_TYPE, logKey.publicKey);
  const witness = await startWitnessServer(
    new Witness(witnessKey, new Map([[ORIGIN, parseVerifierKey(vkey)]]), new FileWitnessState(null)),
    0,
  );
  console.error('[bench log] starting transparency-log');
  const service = await startService('transparency-log', 3106, {
    DATABASE_URL: url,
    KAFKA_BROKERS: BROKERS,
    LOG_LEVEL: 'warn',
    // Seals what the consumer copies to its retry and dead-letter topics (ADR 0015).
    ...TEST_PII_KEYS,
    TLOG_SIGNING_KEY: signerKey(logKey),
    TLOG_PSEUDONYM_KEY: Buffer.alloc(32, 79).toString('base64'),
    TLOG_CONSUMER_GROUP: group,
    TLOG_WITNESS_URL: witness.url,
    TLOG_WITNESS_KEY: verifierKey(witnessKey.name, COSIGNATURE_V1_TYPE, witnessKey.publicKey),
  });
  const deadline = Date.now() + Math.max(300_000, entries * 2);
  for (;;) {
    const { rows } = await db.query<{ n: string | null }>(
      `SELECT max("tree_size") AS n FROM "tlog"."checkpoints" WHERE "cosigned"`,
    );
    if (Number(rows[0]?.n ?? 0) >= entries) break;
    if (Date.now() > deadline) {
      const size = await db.query(`SELECT "tree_size" FROM "tlog"."log_state"`);
      throw new Error(`no cosigned checkpoint of ${entries} entries in time; tree size ${JSON.stringify(size.rows)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const cpuSeconds = service.cpuSeconds();
  const timing = (
    await db.query<{ first: Date; covered: Date; lag_p99: number; gap_max: number; checkpoints: string }>(
      `WITH span AS (SELECT min("logged_at") AS first FROM "tlog"."entries"),
            covering AS (SELECT min("signed_at") AS covered FROM "tlog"."checkpoints" WHERE "tree_size" >= $1),
            lags AS (
              SELECT extract(epoch FROM c."signed_at" - e."logged_at") AS lag
              FROM "tlog"."entries" e
              CROSS JOIN LATERAL (SELECT "signed_at" FROM "tlog"."checkpoints" c WHERE c."tree_size" > e."idx"
                                  ORDER BY c."tree_size" LIMIT 1) c),
            gaps AS (
              SELECT extract(epoch FROM "signed_at" - lag("signed_at") OVER (ORDER BY "tree_size")) AS gap
              FROM "tlog"."checkpoints" WHERE "tree_size" > 0)
       SELECT span.first, covering.covered,
              (SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) FROM lags) AS lag_p99,
              (SELECT max(gap) FROM gaps) AS gap_max,
              (SELECT count(*) FROM "tlog"."checkpoints") AS checkpoints
       FROM span, covering`,
      [entries],
    )
  ).rows[0]!;
  const seconds = (timing.covered.getTime() - timing.first.getTime()) / 1000;

  console.error('[bench log] exporting and verifying the incident bundle');
  const dir = join(tmpdir(), `bench-log-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, 'bundle.ndjson');
  const cli = ['-r', '@swc-node/register', join(ROOT, 'tools/verify-log/src/main.ts')];
  // As regulator-api exports it: its own client's token (ADR 0024).
  const reader = await serviceToken('bnp-regulator-api', LOCAL_CLIENT_SECRETS['bnp-regulator-api']);
  const exportStarted = Date.now();
  execFileSync(process.execPath, [...cli, 'export', 'http://127.0.0.1:3106', incident, bundle], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, VERIFY_LOG_TOKEN: reader.accessToken },
  });
  const exportSeconds = (Date.now() - exportStarted) / 1000;
  await service.stop();
  witness.server.close();
  const verifyStarted = Date.now();
  const verified = execFileSync(process.execPath, [...cli, 'bundle', bundle, '--key', vkey, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const verifySeconds = (Date.now() - verifyStarted) / 1000;
  if ((JSON.parse(verified) as { entries: number }).entries !== entries)
    throw new Error(`the CLI verified ${verified}`);
  const bundleBytes = statSync(bundle).size;
  rmSync(dir, { recursive: true, force: true });

  console.error('[bench log] reference: ConsumerPerformance, then COPY of the same rows');
  const consumer = kafkaConsumerPerformance(Topics.notificationLog, entries, BROKERS);
  await db.query(
    `CREATE TABLE "tlog"."bench_copy" (LIKE "tlog"."entries" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
  );
  const rowsFile = join(tmpdir(), `bench-log-rows-${Date.now()}.copy`);
  await pipeline(db.query(copyTo(`COPY "tlog"."entries" TO STDOUT (FORMAT binary)`)), createWriteStream(rowsFile));
  const copyStarted = Date.now();
  await pipeline(createReadStream(rowsFile), db.query(copyFrom(`COPY "tlog"."bench_copy" FROM STDIN (FORMAT binary)`)));
  const copySeconds = (Date.now() - copyStarted) / 1000;
  rmSync(rowsFile, { force: true });
  const baseline = consumer.seconds + copySeconds;

  const result = {
    benchmark: 'log',
    entries,
    seconds: round(seconds),
    baseline_seconds: round(baseline),
    ratio: round(seconds / baseline),
    entries_per_second: Math.round(entries / seconds),
    checkpoint_lag_seconds: round(Number(timing.lag_p99)),
    checkpoint_interval_max_seconds: round(Number(timing.gap_max)),
    checkpoints: Number(timing.checkpoints),
    verify_seconds: round(verifySeconds),
    bundle_bytes: bundleBytes,
    export_seconds: round(exportSeconds),
    reference: {
      kafka_consumer_performance: consumer,
      copy_seconds: round(copySeconds),
    },
    log_cpu_seconds: round(cpuSeconds),
    peak_rss_mb: { 'transparency-log': service.peakRssMb() },
    measured_at: new Date().toISOString(),
    note:
      'seconds: first entry committed to the log -> the first witnessed checkpoint covering all entries (records preloaded on notification.log.v1). ' +
      'baseline_seconds = ConsumerPerformance reading the same records + COPY (binary) of the same rows into a table with the log table’s indexes. ' +
      'checkpoint_lag_seconds: p99 over entries of (signed_at of the first checkpoint covering it - its commit). ' +
      'verify_seconds: tools/verify-log verifying the exported bundle of all entries (one incident).',
  };
  await drop();
  mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(BENCH_RESULTS_DIR, values.quick ? 'log-quick.json' : 'log.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
}

const round = (value: number) => Math.round(value * 1000) / 1000;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
