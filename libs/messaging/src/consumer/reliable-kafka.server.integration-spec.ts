import { randomUUID } from 'node:crypto';
import { Controller, Module, UseFilters, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import pino from 'pino';
import { FieldCipher, parseKeyRing } from '@bnp/pii';
import { KafkaTestClient, TEST_PII_KEYS, waitFor } from '@bnp/testing';
import { DeadLetterRedriver } from './dead-letter-redriver';
import { DeadLetterSeal } from './dead-letter-seal';
import { FailureHeaders, deadLetterTopic, retryTopic } from './headers';
import { KafkaExceptionFilter } from './kafka-exception.filter';
import type { InboundMessage } from './inbound-message';
import { MessageFailure } from './message-failure';
import { ReliableKafkaServer } from './reliable-kafka.server';

const cipher = new FieldCipher(parseKeyRing(TEST_PII_KEYS.PII_ENCRYPTION_KEYS, TEST_PII_KEYS.PII_ACTIVE_KEY_ID));

/** Behaviour of the test handler, chosen per message key. */
const behaviour = {
  attempts: new Map<string, number[]>(),
  failFirst: new Map<string, number>(),
  deadLetter: new Set<string>(),
  handled: [] as string[],
};

@Controller()
@UseFilters(KafkaExceptionFilter)
class ProbeConsumer {
  @EventPattern('probe.in')
  handle(@Payload() message: InboundMessage): void {
    const key = message.key ?? '';
    behaviour.attempts.set(key, [...(behaviour.attempts.get(key) ?? []), message.attempt]);
    if (behaviour.deadLetter.has(key)) throw MessageFailure.deadLetter('REFUSED', `refused ${key} for +923001234567`);
    const failures = behaviour.failFirst.get(key) ?? 0;
    if (failures > 0) {
      behaviour.failFirst.set(key, failures - 1);
      throw new Error('database unavailable');
    }
    behaviour.handled.push(key);
  }
}

describe(ReliableKafkaServer.name, () => {
  const groupId = `probe-${randomUUID().slice(0, 8)}`;
  let client: KafkaTestClient;
  let app: INestMicroservice;

  beforeAll(async () => {
    client = new KafkaTestClient();
    const admin = client.kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        'probe.in',
        'probe.unhandled',
        retryTopic(groupId, 1),
        retryTopic(groupId, 2),
        deadLetterTopic(groupId),
      ].map((topic) => ({
        topic,
        numPartitions: 2,
      })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    const server = new ReliableKafkaServer({
      kafka: client.kafka,
      groupId,
      topics: ['probe.in', 'probe.unhandled'],
      retryDelaysMs: [300, 600],
      logger: pino({ level: 'silent' }),
      seal: cipher,
    });
    @Module({ controllers: [ProbeConsumer] })
    class ProbeModule {}
    app = await NestFactory.createMicroservice(ProbeModule, { strategy: server, logger: false });
    await app.listen();
    await client.collect([deadLetterTopic(groupId)]);
  });

  afterAll(async () => {
    await app?.close();
    await client?.close();
  });

  const deadLetters = (key: string) =>
    client.messages(deadLetterTopic(groupId)).filter((message) => message.key === key);

  it('retries a failing message after its delay and then handles it', async () => {
    const key = `k-${randomUUID()}`;
    behaviour.failFirst.set(key, 2);
    const sentAt = Date.now();
    await client.send('probe.in', [{ key, value: 'payload' }]);
    await waitFor(() => behaviour.handled.includes(key), 'handled after retries');
    expect(behaviour.attempts.get(key)).toEqual([0, 1, 2]);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(900);
    expect(deadLetters(key)).toEqual([]);
  });

  it('dead-letters a message that keeps failing after the last tier, with attempts and reason', async () => {
    const key = `k-${randomUUID()}`;
    behaviour.failFirst.set(key, 99);
    await client.send('probe.in', [{ key, value: 'payload', headers: { trace: 'abc' } }]);
    const [dead] = await waitFor(() => deadLetters(key).length > 0 && deadLetters(key), 'dead letter');
    expect(behaviour.attempts.get(key)).toEqual([0, 1, 2]);
    expect(dead!.headers).toMatchObject({
      [FailureHeaders.errorCode]: 'UNEXPECTED_ERROR',
      [FailureHeaders.errorReason]: 'database unavailable',
      [FailureHeaders.originalTopic]: 'probe.in',
      [FailureHeaders.attempt]: '2',
      [FailureHeaders.consumerGroup]: groupId,
      trace: 'abc',
    });
  });

  it('dead-letters a refused message at once, masking personal data in the reason', async () => {
    const key = `k-${randomUUID()}`;
    behaviour.deadLetter.add(key);
    await client.send('probe.in', [{ key, value: 'payload' }]);
    const [dead] = await waitFor(() => deadLetters(key).length > 0 && deadLetters(key), 'dead letter');
    expect(behaviour.attempts.get(key)).toEqual([0]);
    expect(dead!.headers[FailureHeaders.errorCode]).toBe('REFUSED');
    expect(dead!.headers[FailureHeaders.errorReason]).not.toContain('3001234567');
  });

  it('dead-letters a message on a topic without handler instead of dropping it', async () => {
    const key = `k-${randomUUID()}`;
    await client.send('probe.unhandled', [{ key, value: 'orphan' }]);
    const [dead] = await waitFor(() => deadLetters(key).length > 0 && deadLetters(key), 'dead letter');
    expect(dead!.headers[FailureHeaders.errorCode]).toBe('NO_HANDLER');
    expect(dead!.value?.toString()).not.toContain('orphan'); // sealed
    expect(new DeadLetterSeal(cipher, groupId).open(dead!.value, dead!.headers)?.toString()).toBe('orphan');
  });

  it('re-drives dead letters once their cause is fixed, each once', async () => {
    const key = `k-${randomUUID()}`;
    behaviour.deadLetter.add(key);
    await client.send('probe.in', [{ key, value: 'payload' }]);
    await waitFor(() => deadLetters(key).length > 0, 'dead letter');

    behaviour.deadLetter.clear(); // the cause is fixed, for this and earlier refused messages
    const redriver = new DeadLetterRedriver(client.kafka);
    const listed = await redriver.list(groupId);
    expect(listed.some((entry) => entry.errorCode === 'REFUSED')).toBe(true);
    const first = await redriver.redrive({ groupId, errorCode: 'REFUSED' });
    expect(first.redriven).toBeGreaterThanOrEqual(1);
    await waitFor(() => behaviour.handled.includes(key), 'handled after re-drive');

    const second = await redriver.redrive({ groupId, errorCode: 'REFUSED' });
    expect(second.redriven).toBe(0);
  });
});
