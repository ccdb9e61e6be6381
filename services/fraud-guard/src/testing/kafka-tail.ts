// Test helpers for a broker that other suites share without resetting topics: start at the current
// end of a topic instead of replaying its whole history (KafkaTestClient.collect reads from the beginning).
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { headersToStrings } from '@bnp/messaging';
import type { CollectedMessage } from '@bnp/testing';

/**
 * Commits the group's offsets at the end of each topic, so it consumes only what is produced from now on.
 * Joins the group with a consumer that commits nothing else (admin.setOffsets does the same but waits
 * for a first fetch, seconds on a quiet topic). The group must have no running member.
 */
export async function seekGroupToEnd(kafka: Kafka, groupId: string, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await Promise.all(
    topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
  );
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await consumer.commitOffsets(
      ends.flatMap(({ topic, offsets }) => offsets.map(({ partition, high }) => ({ topic, partition, offset: high }))),
    );
  } finally {
    await consumer.disconnect();
  }
}

/** Collects what is published on some topics from the moment it starts. */
export class KafkaTail {
  private readonly collected = new Map<string, CollectedMessage[]>();

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topics: string[]): Promise<KafkaTail> {
    const groupId = `test-tail-${randomUUID()}`;
    await seekGroupToEnd(kafka, groupId, topics);
    const tail = new KafkaTail(kafka.consumer({ groupId }));
    await tail.consumer.connect();
    await tail.consumer.subscribe({ topics, fromBeginning: false });
    await tail.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const list = tail.collected.get(topic) ?? [];
        list.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: headersToStrings(message.headers),
        });
        tail.collected.set(topic, list);
      },
    });
    return tail;
  }

  messages(topic: string, key?: string): CollectedMessage[] {
    const all = this.collected.get(topic) ?? [];
    return key === undefined ? all : all.filter((message) => message.key === key);
  }

  close(): Promise<void> {
    return this.consumer.disconnect();
  }
}
