import type { Admin, Kafka } from 'kafkajs';

/**
 * The topics the cluster has, asked again whenever a row names one not seen yet (such a row is read only when
 * due, so its backoff bounds how often). A send to a missing topic is retried by kafkajs for about a minute
 * before it fails (UNKNOWN_TOPIC_OR_PARTITION is retriable), which would hold every row behind it; checking
 * first makes such a row fail at once.
 */
export class KnownTopics {
  private admin?: Admin;
  private topics = new Set<string>();

  constructor(private readonly kafka: Kafka) {}

  async missing(topics: Iterable<string>): Promise<Set<string>> {
    let unknown = new Set([...topics].filter((topic) => !this.topics.has(topic)));
    if (unknown.size > 0) {
      await this.refresh();
      unknown = new Set([...unknown].filter((topic) => !this.topics.has(topic)));
    }
    return unknown;
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  private async refresh(): Promise<void> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    this.topics = new Set(await this.admin.listTopics());
  }
}
