import type { DynamicModule } from '@nestjs/common';
import { OutboxWriter, ServiceInfrastructureModule } from '@bnp/messaging';
import { BlindIndexer } from '@bnp/pii';
import type { IntakeConfig } from './config';
import { INTAKE_SCHEMA, createIntakeDataSource } from './data-source';
import { BreachEventDecoder } from './incident/breach-event.decoder';
import { INTAKE_OUTBOX } from './incident/incident.repository';

export const INTAKE_CONFIG = Symbol('INTAKE_CONFIG');

/** PostgreSQL, Kafka, the outbox relay and health (shared wiring), and the breach event decoder. */
export function infrastructureModule(config: IntakeConfig): DynamicModule {
  return ServiceInfrastructureModule.forService({
    service: 'breach-intake',
    kafka: config,
    dataSource: () => createIntakeDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
    outbox: { schema: INTAKE_SCHEMA },
    providers: [
      { provide: INTAKE_CONFIG, useValue: config },
      { provide: INTAKE_OUTBOX, useValue: new OutboxWriter(INTAKE_SCHEMA) },
      {
        provide: BreachEventDecoder,
        useFactory: () =>
          new BreachEventDecoder(
            new BlindIndexer(Buffer.from(config.PII_BLIND_INDEX_KEY, 'base64')),
            config.INTAKE_CLOUDEVENT_TYPE,
          ),
      },
    ],
  });
}
