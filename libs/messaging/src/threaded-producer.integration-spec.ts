import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { KafkaTestClient, waitFor } from '@bnp/testing';
import { kafkaClientConfig } from './kafka-client';
import { partitionForKey } from './key-partitioner';
import { ProducerThreadError, ThreadedProducer } from './threaded-producer';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const PARTITIONS = 6;

/** The client settings a service builds, with fewer retries so that a failing send fails within a test. */
const clientConfig = (brokerList = brokers) => ({
  ...kafkaClientConfig(
    { KAFKA_BROKERS: brokerList, KAFKA_SSL: false, KAFKA_SASL_MECHANISM: 'none' },
    `threaded-it-${randomUUID().slice(0, 8)}`,
  ),
  retry: { initialRetryTime: 100, retries: 1 },
});

/** Log lines a producer thread forwarded to the main thread's logger. */
function capturingLogger() {
  const lines: { level: number; msg: string; kafka?: { namespace?: string } }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe(ThreadedProducer.name, () => {
  const topic = `threaded.it.${randomUUID().slice(0, 8)}`;
  let client: KafkaTestClient;

  beforeAll(async () => {
    client = new KafkaTestClient();
    const admin = client.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    await admin.disconnect();
    await client.collect([topic]);
  });

  afterAll(async () => {
    await client?.close();
  });

  it('delivers every key and value byte for byte, on the partition of its key, in send order', async () => {
    const producer = new ThreadedProducer(clientConfig(), pino({ level: 'silent' }));
    const sent = Array.from({ length: 2000 }, (_, i) => ({
      key: `${randomUUID()}-ے`, // a key with a multi-byte character: its length is not its string length
      value: Buffer.from(`value ${i} ${'x'.repeat(i % 300)}`),
    }));
    try {
      await producer.send(topic, sent.slice(0, 1000));
      await producer.send(topic, sent.slice(1000));
    } finally {
      await producer.disconnect();
    }

    await waitFor(() => client.messages(topic).length >= sent.length, 'all 2,000 records collected');
    const received = client.messages(topic);
    expect(received).toHaveLength(sent.length);
    const byKey = new Map(received.map((message) => [message.key, message]));
    for (const { key, value } of sent) {
      const message = byKey.get(key);
      expect(message?.value).toEqual(value);
      expect(message?.partition).toBe(partitionForKey(key, PARTITIONS));
    }
    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      const expected = sent.filter(({ key }) => partitionForKey(key, PARTITIONS) === partition).map(({ key }) => key);
      const inOffsetOrder = received
        .filter((message) => message.partition === partition)
        .sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)))
        .map((message) => message.key);
      expect(inOffsetOrder).toEqual(expected);
    }
  });

  it('fails a send the broker refuses with kafkajs reason, and sends the next one from a new thread', async () => {
    const { logger, lines } = capturingLogger();
    const producer = new ThreadedProducer(clientConfig(), logger);
    try {
      await producer.connect();
      // The local broker does not create topics on demand: kafkajs gives up on an unknown one.
      const refused = producer.send(`threaded.missing.${randomUUID().slice(0, 8)}`, [
        { key: 'k', value: Buffer.from('lost') },
      ]);
      await expect(refused).rejects.toBeInstanceOf(ProducerThreadError);
      await expect(refused).rejects.toMatchObject({ message: expect.stringMatching(/topic|partition/i) });
      expect(producer.renewals).toBe(1);

      const key = `after-failure-${randomUUID()}`;
      await producer.send(topic, [{ key, value: Buffer.from('delivered') }]);
      await waitFor(() => client.messages(topic).some((message) => message.key === key), 'the next send delivered');
    } finally {
      await producer.disconnect();
    }
    expect(lines.some((line) => line.msg.includes('producer thread is replaced'))).toBe(true);
  });

  it('rejects connect when no broker answers, and forwards kafkajs log lines to the logger', async () => {
    const { logger, lines } = capturingLogger();
    const producer = new ThreadedProducer(clientConfig(['127.0.0.1:1']), logger);

    await expect(producer.connect()).rejects.toMatchObject({ name: 'KafkaJSNumberOfRetriesExceeded' });
    expect(lines.some((line) => line.level >= 40 && line.kafka?.namespace !== undefined)).toBe(true);
    await producer.disconnect(); // nothing left running: jest would report an open handle
  });
});
