import type { DynamicModule } from '@nestjs/common';
import { OutboxWriter, ServiceInfrastructureModule } from '@bnp/messaging';
import { BlindIndexer, FieldCipher, parseKeyRing } from '@bnp/pii';
import { ActivationCodeMinter, SecretHasher } from './activation/activation-code';
import type { FraudGuardConfig } from './config';
import { FRAUD_SCHEMA, createFraudGuardDataSource } from './data-source';
import { FRAUD_OUTBOX } from './enrollment/enrollment.repository';
import { ExposureDecoder } from './enrollment/exposure.decoder';
import { FRAUD_CONFIG } from './tokens';

/** PostgreSQL, Kafka, the outbox relay and health (shared wiring), and the keys: PII, blind index, activation codes. */
export function infrastructureModule(config: FraudGuardConfig): DynamicModule {
  const cipher = new FieldCipher(parseKeyRing(config.PII_ENCRYPTION_KEYS, config.PII_ACTIVE_KEY_ID));
  const blindIndexer = new BlindIndexer(Buffer.from(config.PII_BLIND_INDEX_KEY, 'base64'));
  return ServiceInfrastructureModule.forService({
    service: 'fraud-guard',
    kafka: config,
    dataSource: () => createFraudGuardDataSource(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
    outbox: { schema: FRAUD_SCHEMA },
    providers: [
      { provide: FRAUD_CONFIG, useValue: config },
      { provide: FRAUD_OUTBOX, useValue: new OutboxWriter(FRAUD_SCHEMA) },
      { provide: FieldCipher, useValue: cipher },
      { provide: BlindIndexer, useValue: blindIndexer },
      { provide: SecretHasher, useValue: new SecretHasher(Buffer.from(config.FRAUD_ACTIVATION_CODE_KEY, 'base64')) },
      { provide: ActivationCodeMinter, useValue: new ActivationCodeMinter() },
      { provide: ExposureDecoder, useValue: new ExposureDecoder(cipher, blindIndexer) },
    ],
  });
}
