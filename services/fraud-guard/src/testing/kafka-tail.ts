// Test helpers for a broker that other suites share without resetting topics: start at the current
// end of a topic instead of replaying its whole history (the fraud-guard suite's own collector).
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { headersToStrings } from '@bnp/messaging';
import { startGroupAtEnd, type CollectedMessage } from '@bnp/testing';

/** Collects what is published on some topics from the moment it starts. */
export class KafkaTail {
  private readonly collected = new Map<string, CollectedMessage[]>();

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topics: string[]): Promise<KafkaTail> {
    const groupId = `test-tail-${randomUUID()}`;
    await startGroupAtEnd(kafka, groupId, topics);
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
