import { randomUUID } from 'node:crypto';
import { Controller, Module, UseFilters, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import pino from 'pino';
import { FieldCipher, parseKeyRing } from '@bnp/pii';
import { KafkaTestClient, TEST_PII_KEYS, waitFor } from '@bnp/testing';
import { deadLetterTopic, retryTopic } from './headers';
import { KafkaExceptionFilter } from './kafka-exception.filter';
import type { InboundMessage } from './inbound-message';
import { MessageFailure } from './message-failure';
import { ReliableKafkaServer } from './reliable-kafka.server';

const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));

const run = randomUUID().slice(0, 8);
const TOPIC = `probe-batch-${run}.in`;

/** What the handler saw: per key the values in arrival order, and how many calls overlapped at most. */
const seen = { byKey: new Map<string, number[]>(), inFlight: 0, maxInFlight: 0 };

@Controller()
@UseFilters(KafkaExceptionFilter)
class BatchProbeConsumer {
  @EventPattern(TOPIC)
  async handle(@Payload() message: InboundMessage): Promise<void> {
    const key = message.key ?? '';
    const value = Number(message.value?.toString() ?? 'NaN');
    if (key === 'poison') throw MessageFailure.deadLetter('REFUSED', 'refused on purpose');
    seen.inFlight += 1;
    seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
    // Later messages of a key finish sooner: only the server's ordering keeps them in order.
    await new Promise((resolve) => setTimeout(resolve, 20 - (value % 20)));
    seen.inFlight -= 1;
    seen.byKey.set(key, [...(seen.byKey.get(key) ?? []), value]);
  }
}

describe(`${ReliableKafkaServer.name} with keysConsumedConcurrently`, () => {
  const groupId = `probe-batch-${run}`;
  let client: KafkaTestClient;
  let app: INestMicroservice;

  beforeAll(async () => {
    client = new KafkaTestClient();
    const admin = client.kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [TOPIC, retryTopic(groupId, 1), deadLetterTopic(groupId)].map((topic) => ({ topic, numPartitions: 1 })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    await client.collect([deadLetterTopic(groupId)]);
  });

  afterAll(async () => {
    await app?.close();
    await client?.close();
  });

  it('handles many keys of one partition at once, keeps each key in order, and still dead-letters', async () => {
    const keys = Array.from({ length: 40 }, (_, index) => `person-${index}`);
    const messages = Array.from({ length: 400 }, (_, index) => ({
      key: keys[index % keys.length]!,
      value: String(index),
    }));
    messages.splice(200, 0, { key: 'poison', value: '-1' });
    // Produced before the consumer starts, so they arrive in large fetched batches of one partition.
    await client.send(TOPIC, messages);
    const server = new ReliableKafkaServer({
      kafka: client.kafka,
      groupId,
      topics: [TOPIC],
      retryDelaysMs: [200],
      keysConsumedConcurrently: 25,
      fromBeginning: true,
      logger: pino({ level: 'silent' }),
      seal: cipher,
    });
    @Module({ controllers: [BatchProbeConsumer] })
    class BatchProbeModule {}
    app = await NestFactory.createMicroservice(BatchProbeModule, { strategy: server, logger: false });
    await app.listen();

    await waitFor(
      () => [...seen.byKey.values()].reduce((sum, values) => sum + values.length, 0) >= 400,
      'all 400 handled',
      { timeoutMs: 30_000 },
    );
    for (const key of keys) {
      const expected = messages.filter((message) => message.key === key).map((message) => Number(message.value));
      expect(seen.byKey.get(key)).toEqual(expected);
    }
    expect(seen.maxInFlight).toBeGreaterThan(1);
    expect(seen.maxInFlight).toBeLessThanOrEqual(25);
    await waitFor(
      () => client.messages(deadLetterTopic(groupId)).some((m) => m.key === 'poison'),
      'poison dead-lettered',
    );
  });
});
