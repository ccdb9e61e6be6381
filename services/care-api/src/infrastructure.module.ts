import type { DynamicModule } from '@nestjs/common';
import { ServiceInfrastructureModule } from '@bnp/messaging';
import { BlindIndexer, FieldCipher, parseKeyRing } from '@bnp/pii';
import type { CareConfig } from './config';
import { CARE_SCHEMA, createCareDataSource } from './data-source';
import { ContactKeys } from './shared/contact-keys';
import { CARE_CONFIG } from './shared/tokens';

/** PostgreSQL, Kafka, the outbox relay and health (shared wiring), and the PII keys. */
export function infrastructureModule(config: CareConfig): DynamicModule {
  const cipher = new FieldCipher(parseKeyRing(config.PII_ENCRYPTION_KEYS, config.PII_ACTIVE_KEY_ID));
  const indexer = new BlindIndexer(Buffer.from(config.PII_BLIND_INDEX_KEY, 'base64'));
  return ServiceInfrastructureModule.forService({
    service: 'care-api',
    kafka: config,
    dataSource: () => createCareDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
    outbox: { schema: CARE_SCHEMA },
    providers: [
      { provide: CARE_CONFIG, useValue: config },
      // Also seals what the consumer copies to its retry and dead-letter topics (libs/messaging).
      { provide: FieldCipher, useValue: cipher },
      { provide: ContactKeys, useValue: new ContactKeys(cipher, indexer) },
    ],
  });
}
