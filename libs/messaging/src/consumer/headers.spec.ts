import {
  DEAD_LETTER_TOPIC_RETENTION_MS,
  RETRY_TOPIC_RETENTION_MS,
  deadLetterTopic,
  failureTopics,
  retryTopic,
} from './headers';

describe(failureTopics.name, () => {
  const retry = [{ name: 'retention.ms', value: String(RETRY_TOPIC_RETENTION_MS) }];
  const dead = [{ name: 'retention.ms', value: String(DEAD_LETTER_TOPIC_RETENTION_MS) }];

  it('lists a topic for every retry tier the consumer republishes to, then the dead-letter topic, each with a retention', () => {
    expect(failureTopics('bnp-exposure', 3)).toEqual([
      { topic: retryTopic('bnp-exposure', 1), numPartitions: 6, configEntries: retry },
      { topic: retryTopic('bnp-exposure', 2), numPartitions: 6, configEntries: retry },
      { topic: retryTopic('bnp-exposure', 3), numPartitions: 6, configEntries: retry },
      { topic: deadLetterTopic('bnp-exposure'), numPartitions: 6, configEntries: dead },
    ]);
    expect(failureTopics('bnp-exposure', 0, 12)).toEqual([
      { topic: 'bnp.bnp-exposure.dlt', numPartitions: 12, configEntries: dead },
    ]);
  });

  it('keeps dead letters for two weeks and retried messages for three days', () => {
    expect(DEAD_LETTER_TOPIC_RETENTION_MS).toBe(14 * 86_400_000);
    expect(RETRY_TOPIC_RETENTION_MS).toBe(3 * 86_400_000);
  });
});
