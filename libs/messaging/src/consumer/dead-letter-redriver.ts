import type { Kafka } from 'kafkajs';
import { deadLetterTopic, FailureHeaders, headersToStrings, retryTopic } from './headers';

export interface DeadLetterEntry {
  partition: number;
  offset: string;
  originalTopic: string;
  errorCode: string;
  errorReason: string;
  failedAt: string;
}

export interface RedriveOptions {
  groupId: string;
  /** Only re-drive entries with this error code. */
  errorCode?: string;
  /** List what would be re-driven without producing anything. */
  dryRun?: boolean;
}

/**
 * Reads a consumer group's dead-letter topic and re-drives entries once their cause is fixed.
 * Re-driven messages go to the group's first retry tier with the attempt count reset, so only that
 * group handles them again (other groups on the original topic already did their part).
 * Progress is kept as the committed offset of `<group>.dlt-redrive`: each entry is re-driven once.
 */
export class DeadLetterRedriver {
  constructor(private readonly kafka: Kafka) {}

  async list(groupId: string): Promise<DeadLetterEntry[]> {
    const entries: DeadLetterEntry[] = [];
    await this.scan(groupId, `${groupId}.dlt-inspect.${Date.now()}`, false, (entry) => {
      entries.push(entry);
      return Promise.resolve();
    });
    return entries;
  }

  async redrive(options: RedriveOptions): Promise<{ redriven: number; skipped: number }> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let redriven = 0;
    let skipped = 0;
    try {
      await this.scan(options.groupId, `${options.groupId}.dlt-redrive`, !options.dryRun, async (entry, message) => {
        if (options.errorCode && entry.errorCode !== options.errorCode) {
          skipped += 1;
          return;
        }
        redriven += 1;
        if (options.dryRun) return;
        await producer.send({
          topic: retryTopic(options.groupId, 1),
          acks: -1,
          messages: [
            {
              key: message.key,
              value: message.value,
              headers: { ...message.headers, [FailureHeaders.attempt]: '0', [FailureHeaders.notBefore]: '0' },
            },
          ],
        });
      });
    } finally {
      await producer.disconnect();
    }
    return { redriven, skipped };
  }

  /** Reads the topic from the group's committed position to its current end, then stops. */
  private async scan(
    groupId: string,
    readerGroup: string,
    commit: boolean,
    visit: (
      entry: DeadLetterEntry,
      message: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> },
    ) => Promise<void>,
  ): Promise<void> {
    const topic = deadLetterTopic(groupId);
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId: readerGroup, topics: [topic] });
    await admin.disconnect();
    const positions = new Map<number, bigint>();
    for (const partition of committed[0]?.partitions ?? [])
      positions.set(partition.partition, BigInt(partition.offset));
    // A group that never committed reports -1: it starts at the partition's low watermark.
    const startOf = (partition: number, low: string): bigint => {
      const position = positions.get(partition);
      return position !== undefined && position >= 0n ? position : BigInt(low);
    };
    const remaining = new Set(
      ends.filter((end) => BigInt(end.high) > startOf(end.partition, end.low)).map((end) => end.partition),
    );
    const high = new Map(ends.map((end) => [end.partition, BigInt(end.high)]));
    if (remaining.size === 0) return;

    const consumer = this.kafka.consumer({ groupId: readerGroup });
    const next = new Map<number, string>();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (!remaining.has(partition)) return;
            const headers = headersToStrings(message.headers);
            await visit(
              {
                partition,
                offset: message.offset,
                originalTopic: headers[FailureHeaders.originalTopic] ?? '',
                errorCode: headers[FailureHeaders.errorCode] ?? '',
                errorReason: headers[FailureHeaders.errorReason] ?? '',
                failedAt: headers[FailureHeaders.failedAt] ?? '',
              },
              { key: message.key, value: message.value, headers },
            );
            next.set(partition, (BigInt(message.offset) + 1n).toString());
            if (BigInt(message.offset) + 1n >= (high.get(partition) ?? 0n)) {
              remaining.delete(partition);
              if (remaining.size === 0) resolve();
            }
          },
        })
        .catch(reject);
    });
    if (commit && next.size > 0) {
      await consumer.commitOffsets([...next].map(([partition, offset]) => ({ topic, partition, offset })));
    }
    await consumer.disconnect();
  }
}
