import type { IHeaders, ITopicConfig } from 'kafkajs';

/** Headers the consumer adds when it moves a message to a retry or dead-letter topic. */
export const FailureHeaders = {
  originalTopic: 'bnp-original-topic',
  originalPartition: 'bnp-original-partition',
  originalOffset: 'bnp-original-offset',
  originalTimestamp: 'bnp-original-timestamp',
  attempt: 'bnp-attempt',
  notBefore: 'bnp-not-before',
  errorCode: 'bnp-error-code',
  errorReason: 'bnp-error-reason',
  failedAt: 'bnp-failed-at',
  consumerGroup: 'bnp-consumer-group',
} as const;

export function retryTopic(groupId: string, tier: number): string {
  return `bnp.${groupId}.retry.${tier}`;
}

export function deadLetterTopic(groupId: string): string {
  return `bnp.${groupId}.dlt`;
}

/** A retried message waits at most a minute or so; three days leave room for a consumer that was down a weekend. */
export const RETRY_TOPIC_RETENTION_MS = 3 * 24 * 3600 * 1000;
/** Dead letters wait for an operator: two weeks, sealed (ADR 0015), then gone. */
export const DEAD_LETTER_TOPIC_RETENTION_MS = 14 * 24 * 3600 * 1000;

const retention = (ms: number) => [{ name: 'retention.ms', value: String(ms) }];

/** The topics a consumer group parks failed messages on: one per retry tier, then its dead-letter topic. */
export function failureTopics(groupId: string, retryTiers: number, numPartitions = 6): ITopicConfig[] {
  return [
    ...Array.from({ length: retryTiers }, (_, index) => ({
      topic: retryTopic(groupId, index + 1),
      numPartitions,
      configEntries: retention(RETRY_TOPIC_RETENTION_MS),
    })),
    { topic: deadLetterTopic(groupId), numPartitions, configEntries: retention(DEAD_LETTER_TOPIC_RETENTION_MS) },
  ];
}

export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return result;
}
