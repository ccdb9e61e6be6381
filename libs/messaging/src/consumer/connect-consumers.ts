import type { INestApplication } from '@nestjs/common';
import { Kafka, type ITopicConfig } from 'kafkajs';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { FieldCipher } from '@bnp/pii';
import { ensureTopics } from '../kafka-health';
import { consumerOutageOptions, type ConsumerOutageConfig } from '../outage/consumer-outage-options';
import { KafkaConsumerMetrics } from './consumer-metrics';
import { failureTopics } from './headers';
import { ReliableKafkaServer, type ReliableKafkaOptions } from './reliable-kafka.server';

/** One consumer group of a service: what it reads, and how much of it at once. */
export interface ConsumerGroup {
  groupId: string;
  topics: string[];
  partitionsConsumedConcurrently?: number;
  keysConsumedConcurrently?: number;
}

export interface ConnectConsumersOptions {
  config: ConsumerOutageConfig & { KAFKA_CREATE_TOPICS: boolean; retryDelaysMs: number[] };
  logger: Logger;
  /** Seals what the consumers copy to retry and dead-letter topics (ADR 0015). */
  seal: FieldCipher;
  groups: ConsumerGroup[];
  /** Topics to create besides each group's retry and dead-letter topics. */
  topicsToCreate?: ITopicConfig[];
  sessionTimeoutMs?: number;
  /** Builds each group's server (default ReliableKafkaServer; the notifier's prefixes its topics). */
  server?: (options: ReliableKafkaOptions) => ReliableKafkaServer;
}

/**
 * A service's Kafka consumers, one per group, each connected to the app as a microservice: their retry
 * and dead-letter topics created (when KAFKA_CREATE_TOPICS), their metrics in the app's registry, and an
 * outage of the service's own database waited out (never retried away or dead-lettered) by every one.
 */
export async function connectConsumers(
  app: INestApplication,
  options: ConnectConsumersOptions,
): Promise<ReliableKafkaServer[]> {
  const { config, logger, seal, groups } = options;
  const kafka = app.get(Kafka);
  if (config.KAFKA_CREATE_TOPICS) {
    await ensureTopics(kafka, [
      ...(options.topicsToCreate ?? []),
      ...groups.flatMap(({ groupId }) => failureTopics(groupId, config.retryDelaysMs.length)),
    ]);
  }
  const metrics = new KafkaConsumerMetrics(app.get(Registry));
  const outage = consumerOutageOptions(config, app.get(DataSource));
  const build = options.server ?? ((serverOptions: ReliableKafkaOptions) => new ReliableKafkaServer(serverOptions));
  const servers = groups.map((group) =>
    build({
      kafka,
      ...group,
      retryDelaysMs: config.retryDelaysMs,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sessionTimeoutMs }),
      logger,
      metrics,
      outage,
      seal,
    }),
  );
  for (const server of servers) app.connectMicroservice({ strategy: server });
  return servers;
}
