import type { Admin, Kafka } from 'kafkajs';

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

/** Creates topics that a service owns (its retry and dead-letter topics) if they do not exist yet. */
export async function ensureTopics(kafka: Kafka, topics: { topic: string; numPartitions: number }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
