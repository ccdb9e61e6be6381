import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, EachMessagePayload, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { Logger } from 'pino';
import { redactPiiInText, type FieldCipher } from '@bnp/pii';
import { DeadLetterSeal, SEALED_FORMAT, SEALED_HEADER, isSealed } from './dead-letter-seal';
import { deadLetterTopic, FailureHeaders, headersToStrings, retryTopic } from './headers';
import type { InboundMessage } from './inbound-message';
import { FailureDisposition, MessageFailure, toMessageFailure } from './message-failure';
import { KafkaConsumerMetrics } from './consumer-metrics';
import { RenewingProducer } from '../renewing-producer';
import { describeOutage } from '../outage/outage';
import { OutageWaiter, type OutageWaiterOptions } from '../outage/outage-waiter';

export interface ReliableKafkaOptions {
  kafka: Kafka;
  /** Consumer group; also names the group's retry and dead-letter topics. */
  groupId: string;
  topics: string[];
  /** One retry tier per entry: how long a failed message waits before its next attempt. */
  retryDelaysMs: number[];
  partitionsConsumedConcurrently?: number;
  /**
   * Messages of one fetched batch handled at once, never two of the same key (their order is kept).
   * 1 (the default) handles a partition's messages one by one. More lets a handler that batches its
   * writes see hundreds of messages together instead of one per partition; the batch's offsets are
   * committed once every message before them is done.
   */
  keysConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  fromBeginning?: boolean;
  logger: Logger;
  metrics?: KafkaConsumerMetrics;
  /**
   * How a handler's outage (PostgreSQL or Kafka unreachable, see outage.ts) is waited out: the message is
   * held uncommitted, the dependency probed with a doubling pause, and the handler called again once it
   * answers. An outage never uses up a retry tier and never dead-letters.
   */
  outage?: OutageWaiterOptions;
  /**
   * The service's field cipher: every value copied to a retry or dead-letter topic is sealed with it (values
   * there may hold plain personal data and are kept for days), and opened only to be handled again.
   */
  seal: FieldCipher;
}

const MAX_REASON_LENGTH = 1000;

/**
 * A Kafka transport for NestJS that cannot lose or wedge a message.
 *
 * - Values stay binary (Buffer) and headers become strings; handlers decode their own contracts.
 * - Handlers are found with @EventPattern(topic). A message with no handler is dead-lettered.
 * - A failing message is republished to the group's retry tier topic with a not-before time and its
 *   offset is committed, so its partition moves on. A separate consumer waits out the delay on the
 *   retry topics (heartbeating), then calls the handler again. After the last tier, or for a failure
 *   that can never succeed, the message goes to the dead-letter topic with its reason in headers.
 * - An offset is committed only after the handler finished or the message was safely republished:
 *   if Kafka itself is unreachable the message is redelivered, not dropped.
 * See docs/adr/0003-retry-and-dead-letter.md.
 */
export class ReliableKafkaServer extends Server implements CustomTransportStrategy {
  private mainConsumer?: Consumer;
  private retryConsumer?: Consumer;
  private producer?: RenewingProducer;
  private readonly log: Logger;
  private readonly outages: OutageWaiter;
  private readonly seal: DeadLetterSeal;
  /** Messages read sealed from a retry topic: republished with their sealed value as it is. */
  private readonly arrivedSealed = new WeakSet<InboundMessage>();
  private closing = false;

  constructor(private readonly options: ReliableKafkaOptions) {
    super();
    this.log = options.logger.child({ component: 'kafka-consumer', group: options.groupId });
    this.outages = new OutageWaiter(options.outage ?? {}, this.log, () => this.closing);
    this.seal = new DeadLetterSeal(options.seal, options.groupId);
  }

  get retryTopics(): string[] {
    return this.options.retryDelaysMs.map((_, index) => retryTopic(this.options.groupId, index + 1));
  }

  get deadLetterTopic(): string {
    return deadLetterTopic(this.options.groupId);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    this.producer = new RenewingProducer(kafka, this.log);
    await this.producer.connect();

    this.mainConsumer = kafka.consumer({ groupId, sessionTimeout: this.options.sessionTimeoutMs ?? 30000 });
    this.reportCrashes(this.mainConsumer, groupId);
    await this.mainConsumer.connect();
    await this.mainConsumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? true });
    const keysAtOnce = this.options.keysConsumedConcurrently ?? 1;
    await this.mainConsumer.run(
      keysAtOnce > 1
        ? {
            partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
            eachBatchAutoResolve: false,
            eachBatch: (payload) => this.consumeBatch(payload, keysAtOnce),
          }
        : {
            partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
            eachMessage: (payload) => this.consume(payload, false),
          },
    );

    if (this.retryTopics.length > 0) {
      this.retryConsumer = kafka.consumer({ groupId: `${groupId}.retry`, sessionTimeout: 30000 });
      this.reportCrashes(this.retryConsumer, `${groupId}.retry`);
      await this.retryConsumer.connect();
      await this.retryConsumer.subscribe({ topics: this.retryTopics, fromBeginning: true });
      await this.retryConsumer.run({
        // Every retry partition may be waiting out its delay at once; none may starve another.
        partitionsConsumedConcurrently: 64,
        eachMessage: (payload) => this.consume(payload, true),
      });
    }
    this.log.info({ topics, retryTopics: this.retryTopics }, 'kafka consumer started');
  }

  /** kafkajs restarts a consumer after a retriable crash by itself; one it does not restart has stopped consuming. */
  private reportCrashes(consumer: Consumer, group: string): void {
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) this.log.warn({ err: payload.error, group }, 'kafka consumer crashed; kafkajs restarts it');
      else this.log.error({ err: payload.error, group }, 'kafka consumer crashed and stopped consuming');
    });
  }

  /** Leaves the groups (committing resolved offsets) and flushes the producer. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([this.mainConsumer?.disconnect(), this.retryConsumer?.disconnect()]);
    await this.producer?.disconnect();
    this.log.info('kafka consumer stopped');
  }

  on(): never {
    throw new Error('ReliableKafkaServer does not expose transport events');
  }

  unwrap<T>(): T {
    return { main: this.mainConsumer, retry: this.retryConsumer, producer: this.producer } as T;
  }

  /**
   * Handles a fetched batch: messages of one key in order, up to `keysAtOnce` keys at a time. Offsets
   * are resolved only up to the first message not yet done, so a rebalance or a crash mid-batch
   * redelivers the rest (handlers are idempotent) and skips nothing.
   */
  private async consumeBatch(payload: EachBatchPayload, keysAtOnce: number): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const byKey = new Map<string, KafkaMessage[]>();
    batch.messages.forEach((message, index) => {
      // Messages without a key have no order to keep among themselves.
      const key = message.key ? `k:${message.key.toString('base64')}` : `i:${index}`;
      const messages = byKey.get(key);
      if (messages) messages.push(message);
      else byKey.set(key, [message]);
    });
    const done = new Set<string>();
    const queue = [...byKey.values()];
    let stopped = false;
    const worker = async (): Promise<void> => {
      for (let messages = queue.shift(); messages; messages = queue.shift()) {
        for (const message of messages) {
          if (!payload.isRunning() || payload.isStale()) {
            stopped = true;
            return;
          }
          await this.consume(
            { topic: batch.topic, partition: batch.partition, message, heartbeat, pause: () => payload.pause() },
            false,
          );
          done.add(message.offset);
        }
      }
    };
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 1000);
    let outcomes: PromiseSettledResult<void>[];
    try {
      // Every worker finishes before the batch is given back: a failed one (Kafka unreachable for a
      // retry republish) must not leave the others handling messages kafkajs is about to redeliver.
      outcomes = await Promise.allSettled(Array.from({ length: Math.min(keysAtOnce, queue.length) }, worker));
    } finally {
      clearInterval(beat);
    }
    let last: string | undefined;
    for (const message of batch.messages) {
      if (!done.has(message.offset)) break;
      last = message.offset;
    }
    if (last !== undefined) payload.resolveOffset(last);
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    if (!stopped) await payload.commitOffsetsIfNecessary();
  }

  private async consume(payload: EachMessagePayload, fromRetryTopic: boolean): Promise<void> {
    const inbound = toInbound(payload, fromRetryTopic);
    const started = process.hrtime.bigint();
    if (fromRetryTopic) {
      await waitUntilDue(payload.message, () => payload.heartbeat());
      if (isSealed(inbound.headers)) {
        this.arrivedSealed.add(inbound);
        try {
          inbound.value = this.seal.open(inbound.value, inbound.headers);
        } catch (error) {
          const reason = `sealed value cannot be opened: ${error instanceof Error ? error.message : String(error)}`;
          return this.deadLetter(payload.message, inbound, MessageFailure.deadLetter('SEAL_UNREADABLE', reason));
        }
      }
    }
    const handler = this.getHandlerByPattern(inbound.topic);
    if (!handler) {
      await this.deadLetter(
        payload.message,
        inbound,
        MessageFailure.deadLetter('NO_HANDLER', `no handler for topic ${inbound.topic}`),
      );
      return;
    }
    for (;;) {
      try {
        const result: unknown = await handler(inbound);
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
        this.options.metrics?.observe(inbound.topic, 'handled', started);
        return;
      } catch (error) {
        const outage = describeOutage(error);
        if (outage === undefined) return this.dispose(payload.message, inbound, error, started);
        this.options.metrics?.observe(inbound.topic, 'outage', started);
        const where = { topic: inbound.topic, partition: inbound.partition, offset: inbound.offset };
        await this.outages.waitOut(outage, where, () => payload.heartbeat());
      }
    }
  }

  /** A failure of the message itself: its next retry tier, or the dead-letter topic. */
  private async dispose(message: KafkaMessage, inbound: InboundMessage, error: unknown, started: bigint) {
    const failure = toMessageFailure(error);
    const nextTier = inbound.attempt + 1;
    if (failure.disposition === FailureDisposition.Retry && nextTier <= this.options.retryDelaysMs.length) {
      await this.retry(message, inbound, failure, nextTier);
      this.options.metrics?.observe(inbound.topic, 'retried', started);
    } else {
      await this.deadLetter(message, inbound, failure);
      this.options.metrics?.observe(inbound.topic, 'dead_lettered', started);
    }
  }

  private async retry(
    message: KafkaMessage,
    inbound: InboundMessage,
    failure: MessageFailure,
    tier: number,
  ): Promise<void> {
    const delay = this.options.retryDelaysMs[tier - 1] ?? 0;
    this.log.warn(
      { topic: inbound.topic, offset: inbound.offset, code: failure.code, tier, delay },
      'message failed; scheduled for retry',
    );
    await this.republish(retryTopic(this.options.groupId, tier), message, inbound, failure, {
      [FailureHeaders.attempt]: String(tier),
      [FailureHeaders.notBefore]: String(Date.now() + delay),
    });
  }

  private async deadLetter(message: KafkaMessage, inbound: InboundMessage, failure: MessageFailure): Promise<void> {
    this.log.error(
      {
        topic: inbound.topic,
        partition: inbound.partition,
        offset: inbound.offset,
        code: failure.code,
        attempt: inbound.attempt,
      },
      'message dead-lettered',
    );
    await this.republish(this.deadLetterTopic, message, inbound, failure, {
      [FailureHeaders.attempt]: String(inbound.attempt),
    });
  }

  private async republish(
    topic: string,
    message: KafkaMessage,
    inbound: InboundMessage,
    failure: MessageFailure,
    extra: Record<string, string>,
  ): Promise<void> {
    if (!this.producer) throw new Error('producer not started');
    const reason = redactPiiInText(failure.message).slice(0, MAX_REASON_LENGTH);
    await this.producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: this.arrivedSealed.has(inbound) ? message.value : this.seal.seal(message.value),
          headers: {
            ...inbound.headers,
            [SEALED_HEADER]: SEALED_FORMAT,
            [FailureHeaders.originalTopic]: inbound.topic,
            [FailureHeaders.originalPartition]:
              inbound.headers[FailureHeaders.originalPartition] ?? String(inbound.partition),
            [FailureHeaders.originalOffset]: inbound.headers[FailureHeaders.originalOffset] ?? inbound.offset,
            [FailureHeaders.originalTimestamp]: inbound.headers[FailureHeaders.originalTimestamp] ?? inbound.timestamp,
            [FailureHeaders.errorCode]: failure.code,
            [FailureHeaders.errorReason]: reason,
            [FailureHeaders.failedAt]: new Date().toISOString(),
            [FailureHeaders.consumerGroup]: this.options.groupId,
            ...extra,
          },
        },
      ],
    });
  }
}

function toInbound({ topic, partition, message }: EachMessagePayload, fromRetryTopic: boolean): InboundMessage {
  const headers = headersToStrings(message.headers);
  return {
    topic: fromRetryTopic ? (headers[FailureHeaders.originalTopic] ?? topic) : topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers,
    timestamp: message.timestamp,
    attempt: fromRetryTopic ? Number(headers[FailureHeaders.attempt] ?? '1') : 0,
  };
}

/** Waits for a retried message's not-before time in short steps, heartbeating so the group keeps us. */
async function waitUntilDue(message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
  const header = message.headers?.[FailureHeaders.notBefore];
  const notBefore = Number(header ? header.toString() : '0');
  for (;;) {
    const remaining = notBefore - Date.now();
    if (!(remaining > 0)) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(remaining, 1000)));
    await heartbeat();
  }
}
