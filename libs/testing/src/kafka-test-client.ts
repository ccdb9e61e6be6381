import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type IHeaders, type Producer } from 'kafkajs';

export interface CollectedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

// Not imported from @bnp/messaging: its own specs use this client, and libraries must not depend in a circle.
function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first: Buffer | string | undefined = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = Buffer.isBuffer(first) ? first.toString('utf8') : first;
  }
  return result;
}

/** A real kafkajs producer and consumer against the local broker, for integration tests. */
export class KafkaTestClient {
  readonly kafka: Kafka;
  private producer?: Producer;
  private readonly consumers: Consumer[] = [];
  private readonly collected = new Map<string, CollectedMessage[]>();
  /** Why a collector stopped for good, per topic: reading its messages then fails with this reason. */
  private readonly stopped = new Map<string, Error>();

  constructor(brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')) {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    this.kafka = new Kafka({ brokers, clientId: `test-${randomUUID().slice(0, 8)}`, logLevel: logLevel.NOTHING });
  }

  async send(
    topic: string,
    messages: { key: string | null; value: Buffer | string | null; headers?: IHeaders }[],
  ): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    await this.producer.send({ topic, acks: -1, messages });
  }

  /**
   * Starts collecting what is published on `topics` from now on; read it with `messages(topic)`.
   * It records each partition's end offset first and seeks there once assigned, so nothing published
   * after this call is missed and nothing older (another run's traffic) is read.
   */
  async collect(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await Promise.all(
      topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
    );
    await admin.disconnect();
    const consumer = this.kafka.consumer({ groupId: `test-collector-${randomUUID()}` });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      for (const topic of topics) this.stopped.set(topic, payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const list = this.collected.get(topic) ?? [];
        list.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: headersToStrings(message.headers),
        });
        this.collected.set(topic, list);
      },
    });
    for (const { topic, offsets } of ends) {
      for (const { partition, high } of offsets) consumer.seek({ topic, partition, offset: high });
    }
    this.consumers.push(consumer);
  }

  /** What was collected on `topic`; throws if its collector crashed, so a wait reports why nothing arrives. */
  messages(topic: string): CollectedMessage[] {
    const stopped = this.stopped.get(topic);
    if (stopped) throw new Error(`the test collector of ${topic} stopped: ${stopped.message}`);
    return this.collected.get(topic) ?? [];
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.disconnect()));
    await this.producer?.disconnect();
  }
}

export interface PartitionBacklog {
  topic: string;
  partition: number;
  /** Messages past the group's committed offset (all of them when nothing is committed). */
  lag: number;
  committed: boolean;
}

/** How far `groupId` is behind the end of each partition of `topics`. */
export async function groupBacklog(admin: Admin, groupId: string, topics: string[]): Promise<PartitionBacklog[]> {
  const [committed, ends] = await Promise.all([
    admin.fetchOffsets({ groupId, topics }),
    Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) }))),
  ]);
  return ends.flatMap(({ topic, partitions }) => {
    const done = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    return partitions.map(({ partition, high }) => {
      const offset = Number(done.find((entry) => entry.partition === partition)?.offset ?? -1);
      return { topic, partition, lag: Math.max(0, Number(high) - Math.max(offset, 0)), committed: offset >= 0 };
    });
  });
}

/**
 * What a consumer group has not consumed yet, per partition with a backlog, and the group's state:
 * "group g Stable, 1 member; exposure.v1[3] 2 behind". For the message of a wait that timed out.
 */
export async function describeLag(kafka: Kafka, groupId: string, topics: string[]): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [backlog, groups] = await Promise.all([
      groupBacklog(admin, groupId, topics),
      admin.describeGroups([groupId]),
    ]);
    const behind = backlog
      .filter(({ lag }) => lag > 0)
      .map(
        ({ topic, partition, lag, committed }) =>
          `${topic}[${partition}] ${lag} behind${committed ? '' : ' (nothing committed)'}`,
      );
    const group = groups.groups[0];
    const state = group ? `${group.state}, ${group.members.length} member(s)` : 'unknown';
    return `group ${groupId} ${state}; ${behind.length > 0 ? behind.join(', ') : 'no backlog'}`;
  } finally {
    await admin.disconnect();
  }
}

const JOIN_TIMEOUT_MS = 60_000;

/**
 * Commits the current end of `topics` for a consumer group that has no live members, so a service
 * under test (or benchmark, or the demo) reads only what is produced from now on, not other runs'
 * history. One join of the group for all topics: admin.setOffsets joins once per topic (seconds each),
 * and resetOffsets({ earliest: false }) stores -1, which a new consumer reads from the beginning.
 */
export async function startGroupAtEnd(kafka: Kafka, groupId: string, topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  const ends = await Promise.all(
    topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })),
  ).finally(() => admin.disconnect());
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    // The join can crash and be retried by kafkajs (a broker still loading __consumer_offsets, say);
    // the group exists only once a join succeeded, so everything waits for GROUP_JOIN, not for run().
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`group ${groupId} did not join within ${JOIN_TIMEOUT_MS} ms`)),
        JOIN_TIMEOUT_MS,
      );
      consumer.on(consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        // Fetching what will never be processed is wasted work; pausing is only possible once joined.
        try {
          consumer.pause(topics.map((topic) => ({ topic })));
        } catch {
          // Pausing saves work only; the commit below is what matters.
        }
        resolve();
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        clearTimeout(timer);
        reject(payload.error);
      });
    });
    await consumer.subscribe({ topics, fromBeginning: true });
    // Nothing is processed or committed but the offsets below.
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await joined;
    await consumer.commitOffsets(
      ends.flatMap(({ topic, partitions }) =>
        partitions.map(({ partition, high }) => ({ topic, partition, offset: high })),
      ),
    );
  } finally {
    await consumer.disconnect();
  }
}
