import { ConfigResourceTypes, type Admin, type ITopicConfig, type Kafka } from 'kafkajs';

/** Ready when the cluster answers a metadata request. */
export class KafkaHealthIndicator {
  readonly name = 'kafka';
  private admin?: Admin;

  constructor(private readonly kafka: Kafka) {}

  async check(): Promise<void> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    const cluster = await this.admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers');
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
  }
}

/**
 * Waits until the broker answers ListOffsets for every partition of `topics`. createTopics with
 * waitForLeaders returns once the metadata names a leader, but a broker that is still starting (or
 * that just deleted the same names) can answer "not the leader for that topic-partition" for a while
 * after that; consumers and producers started in that window retry, and tests that start then time out.
 */
export async function waitUntilTopicsServed(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Broker answers that mean "created, but not served by this broker yet". */
const NOT_SERVED_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/**
 * Creates the topics that do not exist yet (a service's retry and dead-letter topics, the local stack's
 * contract topics) and waits until the broker serves them; returns how many it created.
 */
export async function ensureTopics(kafka: Kafka, topics: ITopicConfig[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) {
      // kafkajs waits for leaders but gives up on "does not host this topic-partition", which a busy
      // broker answers for a moment after creating the topic: the wait below covers that window.
      await admin
        .createTopics({ topics: missing, waitForLeaders: true, timeout: 30_000 })
        .catch((error: unknown) => {
          if (!NOT_SERVED_YET.has((error as { type?: string }).type ?? '')) throw error;
        });
      await waitUntilTopicsServed(
        admin,
        missing.map(({ topic }) => topic),
      );
    }
    // A topic created before its retention was set (or changed by hand) gets the configured one again.
    const configured = topics.filter(({ topic, configEntries }) => existing.has(topic) && configEntries?.length);
    if (configured.length > 0) {
      // A name listed while its deletion is still under way answers UNKNOWN_TOPIC_OR_PARTITION until it is gone.
      await waitUntilTopicsServed(
        admin,
        configured.map(({ topic }) => topic),
      );
      await admin.alterConfigs({
        validateOnly: false,
        resources: configured.map(({ topic, configEntries }) => ({
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: configEntries ?? [],
        })),
      });
    }
    return missing.length;
  } finally {
    await admin.disconnect();
  }
}
