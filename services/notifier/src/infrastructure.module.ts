import type { DynamicModule } from '@nestjs/common';
import { OutboxWriter, ServiceInfrastructureModule } from '@bnp/messaging';
import type { NotifierConfig } from './config';
import { NOTIFY_SCHEMA, createNotifierDataSource } from './data-source';
import { NOTIFY_OUTBOX } from './notice/notice.repository';
import { NOTIFIER_CONFIG } from './shared/tokens';
import { NOTIFIER_TOPICS, notifierTopics } from './shared/topics';
import { WorkSignal } from './shared/work-signal';

/** PostgreSQL, Kafka, the outbox relay and health (shared wiring), the topic names and the work signal. */
export function infrastructureModule(config: NotifierConfig): DynamicModule {
  return ServiceInfrastructureModule.forService({
    service: 'notifier',
    kafka: config,
    dataSource: () => createNotifierDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
    // The notifier's outbox has no NOTIFY trigger (see the migration): the relay polls, briefly.
    outbox: { schema: NOTIFY_SCHEMA, pollIntervalMs: 100, batchSize: 5000 },
    providers: [
      { provide: NOTIFIER_CONFIG, useValue: config },
      { provide: NOTIFIER_TOPICS, useValue: notifierTopics(config.NOTIFIER_TOPIC_PREFIX) },
      { provide: NOTIFY_OUTBOX, useValue: new OutboxWriter(NOTIFY_SCHEMA) },
      WorkSignal,
    ],
  });
}
