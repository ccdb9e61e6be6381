import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type IHeaders, type Producer } from 'kafkajs';

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

/** Where a sent message landed: a partition and an offset at or past the last message sent there. */
export interface SentRecord {
  topic: string;
  partition: number;
  offset: string;
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

  /**
   * Produces `messages` (acks=all) and returns, per partition written, the offset of the last of them
   * there (or a later one): what waitForConsumed waits for a consumer group to commit past.
   */
  async send(
    topic: string,
    messages: { key: string | null; value: Buffer | string | null; headers?: IHeaders }[],
  ): Promise<SentRecord[]> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    const written = await this.producer.send({ topic, acks: -1, messages });
    if (messages.length === 1) {
      return written.map(({ partition, baseOffset }) => ({ topic, partition, offset: baseOffset ?? '0' }));
    }
    // Several messages: a partition's base offset is only its first; its end now is at or past its last.
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      return written.map(({ partition }) => ({
        topic,
        partition,
        offset: String(Number(ends.find((end) => end.partition === partition)?.high ?? '1') - 1),
      }));
    } finally {
      await admin.disconnect();
    }
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
