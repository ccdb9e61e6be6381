import { env } from './load-config';

/** Variables every service reads: how to reach Kafka and PostgreSQL, how to log. */
export const kafkaConfigShape = {
  KAFKA_BROKERS: env.list('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: env.optionalString(),
  KAFKA_SSL: env.bool(false),
  KAFKA_SSL_CA_FILE: env.optionalString(),
  KAFKA_SASL_MECHANISM: env.oneOf(['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const, 'none'),
  KAFKA_SASL_USERNAME: env.optionalString(),
  KAFKA_SASL_PASSWORD: env.optionalString(),
  // How a consumer waits out an outage of PostgreSQL or Kafka (ADR 0015): pauses doubling from the first to the
  // longest between probes, the message held uncommitted; an outage never dead-letters.
  CONSUMER_OUTAGE_BACKOFF_INITIAL_MS: env.int(1000, 10, 60_000),
  CONSUMER_OUTAGE_BACKOFF_MAX_MS: env.int(30_000, 100, 600_000),
};

export const databaseConfigShape = {
  DATABASE_URL: env.string('postgres://postgres@127.0.0.1:5432/bnp'),
  DATABASE_POOL_SIZE: env.int(10, 1, 200),
};

export const serviceConfigShape = {
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  HTTP_HOST: env.string('127.0.0.1'),
  SHUTDOWN_TIMEOUT_MS: env.int(15000, 1000, 120000),
};

export const piiKeyConfigShape = {
  // "keyId:base64(32 bytes),..."; the active one encrypts, the others still decrypt (rotation).
  PII_ENCRYPTION_KEYS: env.string(),
  PII_ACTIVE_KEY_ID: env.string(),
  // base64 of at least 32 bytes; changing it invalidates every blind index, so it is not rotated lightly.
  PII_BLIND_INDEX_KEY: env.string(),
};
