import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topics } from '@bnp/contracts';
import { waitFor } from '@bnp/testing';
import { BENCH_BROKERS, benchKafka } from './bench-env';

const ROOT = join(__dirname, '..', '..');
/** The JVM tool gets the same deadline as any wait: a stuck broker fails the benchmark instead of hanging it. */
const REFERENCE_TIMEOUT_MS = 10 * 60_000;
/** ProducerPerformance writes random bytes: never onto a contract topic whose consumers would dead-letter them. */
const REFERENCE_TOPIC = 'bench.producer-performance';

export interface ProducerReference {
  records: number;
  record_size_bytes: number;
  seconds: number;
  records_per_second: number;
  mb_per_second: number;
}

/**
 * Mean size (key + value) of the exposure.v1 records of one incident, sampled from the topic: the first
 * 2,000, or all `events` of a smaller incident (waiting for more than it has would never end).
 */
export async function averageExposureRecordSize(incidentId: string, events: number): Promise<number> {
  const sample = Math.min(2000, events);
  if (sample === 0) return 0;
  const kafka = benchKafka('bench-record-size');
  const consumer = kafka.consumer({ groupId: `bench-record-size-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: Topics.exposure, fromBeginning: true });
  const sizes: number[] = [];
  const marker = Buffer.from(incidentId);
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (sizes.length >= sample || !message.value) return;
      if (message.value.includes(marker)) sizes.push(message.value.length + (message.key?.length ?? 0));
    },
  });
  try {
    await waitFor(() => sizes.length >= sample, `${sample} exposure.v1 records of ${incidentId} to sample their size`, {
      timeoutMs: 5 * 60_000,
      intervalMs: 100,
      explain: async () => `${sizes.length} sampled so far`,
    });
  } finally {
    await consumer.disconnect();
  }
  return Math.round(sizes.reduce((sum, size) => sum + size, 0) / sizes.length);
}

/**
 * Kafka's own org.apache.kafka.tools.ProducerPerformance (the JVM client, the fastest this broker has)
 * writing `records` records of `recordSize` bytes, acks=all, no compression, --throughput -1, to a
 * topic with as many partitions as exposure.v1: what the broker and this machine allow at best.
 */
export async function kafkaProducerPerformance(records: number, recordSize: number): Promise<ProducerReference> {
  const kafka = benchKafka('bench-reference');
  const admin = kafka.admin();
  await admin.connect();
  const [exposure] = (await admin.fetchTopicMetadata({ topics: [Topics.exposure] })).topics;
  await admin.createTopics({
    topics: [{ topic: REFERENCE_TOPIC, numPartitions: exposure?.partitions.length ?? 12 }],
    waitForLeaders: true,
  });
  const version = /<kafka.version>(.*)<\/kafka.version>/.exec(
    readFileSync(join(ROOT, 'deploy/local/kafka/pom.xml'), 'utf8'),
  )![1]!;
  const output = execFileSync(
    'java',
    [
      '-Xmx512m',
      '-cp',
      `${join(ROOT, '.cache', 'kafka', version, 'libs')}/*`,
      `-Dlog4j2.configurationFile=${join(ROOT, 'deploy/local/kafka/log4j2.yaml')}`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      REFERENCE_TOPIC,
      '--num-records',
      String(records),
      '--record-size',
      String(recordSize),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${BENCH_BROKERS.join(',')}`,
      'acks=all',
      'compression.type=none',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: REFERENCE_TIMEOUT_MS, killSignal: 'SIGKILL' },
  );
  // Gigabytes of random bytes at 10M subscribers: gone once measured.
  await admin.deleteTopics({ topics: [REFERENCE_TOPIC] }).catch(() => undefined);
  await admin.disconnect();
  // Final line: "N records sent, X records/sec (Y MB/sec), ..."
  const summary = output.trim().split('\n').pop() ?? '';
  const match = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(summary);
  if (!match) throw new Error(`unexpected ProducerPerformance output: ${summary}`);
  const perSecond = Number(match[1]);
  return {
    records,
    record_size_bytes: recordSize,
    // The tool's own send time (records / its rate), without the JVM's start-up.
    seconds: Math.round((records / perSecond) * 1000) / 1000,
    records_per_second: Math.round(perSecond),
    mb_per_second: Number(match[2]),
  };
}

export interface ConsumerReference {
  records: number;
  seconds: number;
  records_per_second: number;
}

/**
 * Kafka's own org.apache.kafka.tools.ConsumerPerformance (kafka-consumer-perf-test) reading `records`
 * records of `topic` from the beginning in a fresh group: the fastest this broker hands them to a client.
 */
export function kafkaConsumerPerformance(topic: string, records: number, brokers: string): ConsumerReference {
  const version = /<kafka.version>(.*)<\/kafka.version>/.exec(
    readFileSync(join(ROOT, 'deploy/local/kafka/pom.xml'), 'utf8'),
  )![1]!;
  const started = Date.now();
  const output = execFileSync(
    'java',
    [
      '-Xmx512m',
      '-cp',
      `${join(ROOT, '.cache', 'kafka', version, 'libs')}/*`,
      `-Dlog4j2.configurationFile=${join(ROOT, 'deploy/local/kafka/log4j2.yaml')}`,
      'org.apache.kafka.tools.ConsumerPerformance',
      '--bootstrap-server',
      brokers,
      '--topic',
      topic,
      '--messages',
      String(records),
      '--group',
      `bench-consumer-performance-${Date.now()}`,
      '--timeout',
      '60000',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const wall = (Date.now() - started) / 1000;
  // Header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
  // fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec. The last line holds the figures.
  const fields = output
    .trim()
    .split('\n')
    .pop()!
    .split(',')
    .map((field) => field.trim());
  const consumed = Number(fields[4]);
  const fetchMs = Number(fields[7]);
  if (!(consumed >= records) || !(fetchMs > 0))
    throw new Error(`unexpected ConsumerPerformance output: ${output.slice(-500)}`);
  // Its own fetch time (without the JVM's start-up and the group join), or the wall time if that is shorter.
  const seconds = Math.min(wall, fetchMs / 1000);
  return {
    records: consumed,
    seconds: Math.round(seconds * 1000) / 1000,
    records_per_second: Math.round(consumed / seconds),
  };
}
