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
import { authConfigShape } from '@bnp/auth';
import { COSIGNATURE_V1_TYPE, parseSignerKey, parseVerifierKey } from '@bnp/tlog';

const base64Key = z
  .string()
  .min(1)
  .refine((value) => Buffer.from(value, 'base64').length >= 32, { message: 'must be base64 of at least 32 bytes' });

export const transparencyLogConfigShape = {
  ...serviceConfigShape,
  ...kafkaConfigShape,
  ...databaseConfigShape,
  // Every read needs a token of the platform's IdP (log:read, log:entries; ADR 0024).
  ...authConfigShape,
  // Seal the values the consumer copies to its retry and dead-letter topics (ADR 0015).
  PII_ENCRYPTION_KEYS: piiKeyConfigShape.PII_ENCRYPTION_KEYS,
  PII_ACTIVE_KEY_ID: piiKeyConfigShape.PII_ACTIVE_KEY_ID,
  PORT: env.port(3006),
  // The checkpoint origin line (C2SP tlog-checkpoint): the log's name, by convention its URL without scheme.
  TLOG_ORIGIN: env.string('bnp.local/transparency-log'),
  // The log's Ed25519 key as a signed-note signer key, PRIVATE+KEY+<name>+<id>+<base64>; its name is the origin.
  TLOG_SIGNING_KEY: env.string(),
  // HMAC key for the per-person pseudonyms and the other ids entries carry instead of plain ones.
  TLOG_PSEUDONYM_KEY: base64Key,
  // A new checkpoint at most this long after entries arrive (the checkpoint spec allows at most 60 s).
  TLOG_CHECKPOINT_INTERVAL_MS: env.int(10_000, 200, 60_000),
  // The witness (C2SP tlog-witness) asked to cosign each checkpoint, and its cosignature/v1 verifier key.
  TLOG_WITNESS_URL: z.string().url().optional(),
  TLOG_WITNESS_KEY: env.optionalString(),
  TLOG_WITNESS_TIMEOUT_MS: env.int(5000, 100, 60_000),
  TLOG_CONSUMER_GROUP: env.string('transparency-log'),
  TLOG_CONSUMER_CONCURRENCY: env.int(12, 1, 64),
  TLOG_CONSUMER_KEYS_AT_ONCE: env.int(2000, 1, 10_000),
  // Entries handled at once are appended in one transaction of at most this many, gathered for at most this long.
  TLOG_APPEND_BATCH_MAX: env.int(5000, 1, 50_000),
  TLOG_APPEND_LINGER_MS: env.int(20, 0, 1000),
  TLOG_RETRY_DELAYS_MS: env.list('1000,10000,60000'),
  KAFKA_CREATE_TOPICS: env.bool(true),
};

export type TransparencyLogConfig = ReturnType<typeof loadTransparencyLogConfig>;

export function loadTransparencyLogConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(transparencyLogConfigShape, source);
  const problems: string[] = [];
  let signingKey;
  try {
    signingKey = parseSignerKey(config.TLOG_SIGNING_KEY);
    if (signingKey.name !== config.TLOG_ORIGIN) problems.push('TLOG_SIGNING_KEY: its key name must be TLOG_ORIGIN');
  } catch (error) {
    problems.push(`TLOG_SIGNING_KEY: ${error instanceof Error ? error.message : 'unreadable'}`);
  }
  let witnessKey;
  if (config.TLOG_WITNESS_URL) {
    if (!config.TLOG_WITNESS_KEY) problems.push('TLOG_WITNESS_KEY: required when TLOG_WITNESS_URL is set');
    else {
      try {
        witnessKey = parseVerifierKey(config.TLOG_WITNESS_KEY);
        if (witnessKey.type !== COSIGNATURE_V1_TYPE)
          problems.push('TLOG_WITNESS_KEY: must be a cosignature/v1 (type 0x04) verifier key');
      } catch (error) {
        problems.push(`TLOG_WITNESS_KEY: ${error instanceof Error ? error.message : 'unreadable'}`);
      }
    }
  }
  if (problems.length > 0 || !signingKey) throw new ConfigValidationError(problems);
  return {
    ...config,
    signingKey,
    witness: config.TLOG_WITNESS_URL && witnessKey ? { url: config.TLOG_WITNESS_URL, key: witnessKey } : null,
    pseudonymKey: Buffer.from(config.TLOG_PSEUDONYM_KEY, 'base64'),
    retryDelaysMs: config.TLOG_RETRY_DELAYS_MS.map(Number),
  };
}
