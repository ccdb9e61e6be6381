import { authConfigShape } from '@bnp/auth';
import { z } from 'zod';
import {
  ConfigValidationError,
  databaseConfigShape,
  env,
  kafkaConfigShape,
  loadConfig,
  piiKeyConfigShape,
  serviceConfigShape,
} from '@bnp/config';

const base64Key = z
  .string()
  .min(1)
  .refine((value) => Buffer.from(value, 'base64').length >= 32, { message: 'must be base64 of at least 32 bytes' });

export const fraudGuardConfigShape = {
  ...serviceConfigShape,
  ...authConfigShape,
  ...kafkaConfigShape,
  ...databaseConfigShape,
  // Decrypts the person's numbers (blind indexes for activation, the partner enrollment) and encrypts the code.
  ...piiKeyConfigShape,
  PORT: env.port(3004),
  FRAUD_CONSUMER_GROUP: env.string('fraud-guard'),
  // Partitions and people handled at once (never two of one person), so a large incident's enrollments keep up
  // with the notices that wait for their codes.
  FRAUD_CONSUMER_CONCURRENCY: env.int(12, 1, 64),
  FRAUD_CONSUMER_KEYS_AT_ONCE: env.int(100, 1, 1000),
  // Exposures handled at once share one transaction (group commit): at most this many people, gathered for
  // at most this long, with this many such transactions running at once.
  FRAUD_ENROLL_BATCH_MAX: env.int(500, 1, 5000),
  FRAUD_ENROLL_BATCH_LINGER_MS: env.int(5, 0, 1000),
  FRAUD_ENROLL_BATCHES_IN_FLIGHT: env.int(4, 1, 64),
  // Enrollment batches, schedulers and the API share these connections.
  DATABASE_POOL_SIZE: env.int(20, 1, 200),
  // incident.control.v1 in a group of its own, so a pause never waits behind a backlog of exposures.
  FRAUD_CONTROL_CONSUMER_GROUP: env.string('fraud-guard-control'),
  // Delays of the retry tiers; after the last one a failing message is dead-lettered.
  FRAUD_RETRY_DELAYS_MS: env.list('1000,10000,60000'),
  KAFKA_CREATE_TOPICS: env.bool(true),
  // HMAC key for activation and one-time codes: the database keeps only these hashes.
  FRAUD_ACTIVATION_CODE_KEY: base64Key,
  // The protection policy's defaults: how long monitoring lasts and how long a person has to activate.
  FRAUD_MONITORING_MONTHS: env.int(12, 1, 120),
  FRAUD_ENROLL_BY_DAYS: env.int(90, 1, 3650),
  FRAUD_ACTIVATION_MAX_ATTEMPTS: env.int(5, 1, 100),
  FRAUD_ACTIVATION_LOCKOUT_MS: env.int(24 * 3600_000, 1000),
  FRAUD_OTP_TTL_MS: env.int(10 * 60_000, 1000),
  // Every one-time code is a text message: at most one per this interval, and this many an hour, per enrollment.
  FRAUD_OTP_RESEND_INTERVAL_MS: env.int(60_000, 0),
  FRAUD_OTP_MAX_PER_HOUR: env.int(5, 1, 100),
  // Self-service (GET /enrollments/:id, opt-out, verification) without a staff token: attempts per client
  // address and per enrollment within the window, beyond which 429 with Retry-After.
  FRAUD_HOLDER_PROOF_PER_CLIENT: env.int(20, 1, 10000),
  FRAUD_HOLDER_PROOF_PER_ENROLLMENT: env.int(10, 1, 10000),
  FRAUD_HOLDER_PROOF_WINDOW_MS: env.int(15 * 60_000, 1000),
  // Unacknowledged protection commands are re-sent after this, doubling up to the maximum.
  FRAUD_COMMAND_RESEND_AFTER_MS: env.int(5 * 60_000, 100),
  FRAUD_COMMAND_RESEND_MAX_MS: env.int(3600_000, 100),
  FRAUD_SCHEDULER_ENABLED: env.bool(true),
  FRAUD_SCHEDULER_INTERVAL_MS: env.int(5000, 50),
  MONITORING_PARTNER_URL: z.string().url().default('http://127.0.0.1:4020'),
  MONITORING_PARTNER_API_KEY: env.optionalString(),
  MONITORING_PARTNER_TIMEOUT_MS: env.int(5000, 100),
  // A failed partner call is tried again after this, doubling up to the maximum.
  MONITORING_PARTNER_RETRY_AFTER_MS: env.int(30_000, 50),
  MONITORING_PARTNER_RETRY_MAX_MS: env.int(3600_000, 50),
};

export type FraudGuardConfig = ReturnType<typeof loadFraudGuardConfig>;

export function loadFraudGuardConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(fraudGuardConfigShape, source);
  if (config.FRAUD_CONTROL_CONSUMER_GROUP === config.FRAUD_CONSUMER_GROUP) {
    // One group with two subscriptions would keep rebalancing and hand topics to members that never asked for them.
    throw new ConfigValidationError(['FRAUD_CONTROL_CONSUMER_GROUP: must differ from FRAUD_CONSUMER_GROUP']);
  }
  return { ...config, retryDelaysMs: config.FRAUD_RETRY_DELAYS_MS.map(Number) };
}
