import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { KeyPartitioner, murmur2 } from './key-partitioner';

// kafkajs's own murmur2 (the Java client's hash, through its Long emulation): the reference ours must equal.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;

const partitionMetadata = Array.from({ length: 12 }, (_, partitionId) => ({
  partitionId,
  leader: 1,
  replicas: [1],
  isr: [1],
  offlineReplicas: [],
  partitionErrorCode: 0,
}));
const args = (message: PartitionerArgs['message']): PartitionerArgs => ({
  topic: 'exposure.v1',
  partitionMetadata,
  message,
});

describe('KeyPartitioner', () => {
  it('hashes every key length as Kafka does', () => {
    for (let length = 0; length < 64; length += 1) {
      for (let i = 0; i < 50; i += 1) {
        const key = randomBytes(length);
        expect(murmur2(key)).toBe(kafkajsMurmur2(key));
      }
    }
  });

  it('puts every keyed record on the partition the kafkajs default partitioner would', () => {
    const ours = KeyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 2000; i += 1) {
      const key = i % 2 === 0 ? randomUUID() : Buffer.from(randomUUID());
      expect(ours(args({ key, value: 'v' }))).toBe(theirs(args({ key, value: 'v' })));
    }
  });

  it('keeps an explicit partition and spreads records without a key', () => {
    const ours = KeyPartitioner();
    expect(ours(args({ key: 'a', value: 'v', partition: 7 }))).toBe(7);
    const partitions = new Set(Array.from({ length: 50 }, () => ours(args({ value: 'v' }))));
    expect(partitions.size).toBeGreaterThan(1);
  });
});
