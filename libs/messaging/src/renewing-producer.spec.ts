import type { Kafka, Producer, ProducerRecord } from 'kafkajs';
import pino from 'pino';
import { KeyPartitioner } from './key-partitioner';
import { RenewingProducer } from './renewing-producer';

/** kafkajs producers whose sends fail while `broken` holds for them, as a wedged idempotent producer does. */
function fakeKafka() {
  const producers: { sent: ProducerRecord[]; broken: boolean; disconnected: boolean }[] = [];
  const kafka = {
    producer: (options: { idempotent?: boolean; maxInFlightRequests?: number; createPartitioner?: unknown }) => {
      expect(options).toEqual({ idempotent: true, maxInFlightRequests: 1, createPartitioner: KeyPartitioner });
      const state = { sent: [] as ProducerRecord[], broken: false, disconnected: false };
      producers.push(state);
      return {
        connect: () => Promise.resolve(),
        disconnect: () => {
          state.disconnected = true;
          return Promise.resolve();
        },
        send: (record: ProducerRecord) => {
          if (state.broken) return Promise.reject(new Error('The broker received an out of order sequence number'));
          state.sent.push(record);
          return Promise.resolve([]);
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

const record = (value: string): ProducerRecord => ({ topic: 't', messages: [{ value }] });

describe('RenewingProducer', () => {
  it('sends through a new producer after a failed send, and drops the failed one', async () => {
    const { kafka, producers } = fakeKafka();
    const producer = new RenewingProducer(kafka, pino({ level: 'silent' }));
    await producer.connect();
    await producer.send(record('a'));
    producers[0]!.broken = true;

    await expect(producer.send(record('b'))).rejects.toThrow('out of order sequence number');
    await producer.send(record('b'));
    await producer.send(record('c'));

    expect(producers).toHaveLength(2);
    expect(producers[0]).toMatchObject({ disconnected: true, sent: [record('a')] });
    expect(producers[1]!.sent).toEqual([record('b'), record('c')]);
    expect(producer.renewals).toBe(1);
  });

  it('replaces the producer once when several queued sends fail together', async () => {
    const { kafka, producers } = fakeKafka();
    const producer = new RenewingProducer(kafka, pino({ level: 'silent' }));
    await producer.connect();
    producers[0]!.broken = true;

    const results = await Promise.allSettled([producer.send(record('a')), producer.send(record('b'))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await Promise.all([producer.send(record('a')), producer.send(record('b'))]);

    expect(producers).toHaveLength(2);
    expect(producers[1]!.sent).toEqual([record('a'), record('b')]);
  });
});
