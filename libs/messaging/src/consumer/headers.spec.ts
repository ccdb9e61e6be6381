import { deadLetterTopic, failureTopics, retryTopic } from './headers';

describe(failureTopics.name, () => {
  it('lists a topic for every retry tier the consumer republishes to, then the dead-letter topic', () => {
    expect(failureTopics('bnp-exposure', 3)).toEqual([
      { topic: retryTopic('bnp-exposure', 1), numPartitions: 6 },
      { topic: retryTopic('bnp-exposure', 2), numPartitions: 6 },
      { topic: retryTopic('bnp-exposure', 3), numPartitions: 6 },
      { topic: deadLetterTopic('bnp-exposure'), numPartitions: 6 },
    ]);
    expect(failureTopics('bnp-exposure', 0, 12)).toEqual([{ topic: 'bnp.bnp-exposure.dlt', numPartitions: 12 }]);
  });
});
