import { authConfigShape } from '@bnp/auth';
import {
  databaseConfigShape,
  env,
  kafkaConfigShape,
  loadConfig,
  piiKeyConfigShape,
  serviceConfigShape,
} from '@bnp/config';

export const intakeConfigShape = {
  ...serviceConfigShape,
  ...authConfigShape,
  ...kafkaConfigShape,
  ...databaseConfigShape,
  PORT: env.port(3001),
  INTAKE_CONSUMER_GROUP: env.string('breach-intake'),
  // Delays of the retry tiers; after the last one a failing message is dead-lettered.
  INTAKE_RETRY_DELAYS_MS: env.list('1000,10000,60000'),
  KAFKA_CREATE_TOPICS: env.bool(true),
  // Intake never stores plain MSISDNs: the blind index key indexes them, and the field keys only seal the values
  // it copies to its retry and dead-letter topics (ADR 0015).
  PII_BLIND_INDEX_KEY: env.string(),
  PII_ENCRYPTION_KEYS: piiKeyConfigShape.PII_ENCRYPTION_KEYS,
  PII_ACTIVE_KEY_ID: piiKeyConfigShape.PII_ACTIVE_KEY_ID,
  // The CloudEvents `ce_type` accepted for JSON events.
  INTAKE_CLOUDEVENT_TYPE: env.string('breach.v1.BreachReported'),
};

export type IntakeConfig = ReturnType<typeof loadIntakeConfig>;

export function loadIntakeConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(intakeConfigShape, source);
  return { ...config, retryDelaysMs: config.INTAKE_RETRY_DELAYS_MS.map(Number) };
}
