import { authConfigShape } from '@bnp/auth';
import { hostname } from 'node:os';
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
import { FieldCipher, parseKeyRing } from '@bnp/pii';
import { parseQuietHours, type QuietHours } from './dispatch/quiet-hours';

const base64Key = (minBytes: number) =>
  z
    .string()
    .min(1)
    .refine((value) => Buffer.from(value, 'base64').length >= minBytes, {
      message: `must be base64 of at least ${minBytes} bytes`,
    });

export const notifierConfigShape = {
  ...serviceConfigShape,
  ...authConfigShape,
  ...kafkaConfigShape,
  ...databaseConfigShape,
  PORT: env.port(3003),
  // Consumers, the log writer, the scheduler's lanes and the status callbacks each hold connections.
  DATABASE_POOL_SIZE: env.int(25, 1, 200),
  // Only the field keys: the notifier opens contact envelopes, it never blind-indexes.
  PII_ENCRYPTION_KEYS: piiKeyConfigShape.PII_ENCRYPTION_KEYS,
  PII_ACTIVE_KEY_ID: piiKeyConfigShape.PII_ACTIVE_KEY_ID,
  // Keys the HMAC of rendered content in the notification log, recipient keys and reference codes.
  NOTIFIER_LOG_HMAC_KEY: base64Key(32),
  /** Unique per live instance; a restarted instance with the same id reconciles its own unfinished sends at once. */
  NOTIFIER_INSTANCE_ID: env.string(hostname()),
  NOTIFIER_CONSUMER_GROUP: env.string('notifier'),
  NOTIFIER_CONSUMER_CONCURRENCY: env.int(12, 1, 64),
  /**
   * Messages of one fetched batch handled at once (never two of one key): recording batches its writes,
   * so this is what lets hundreds of events share one transaction instead of one per partition.
   */
  NOTIFIER_CONSUMER_KEYS_AT_ONCE: env.int(200, 1, 5000),
  /** How long the broker waits for a silent consumer before handing its partitions to another (a killed instance). */
  NOTIFIER_KAFKA_SESSION_TIMEOUT_MS: env.int(30_000, 6000, 300_000),
  NOTIFIER_RETRY_DELAYS_MS: env.list('1000,10000,60000'),
  // A prefix on every topic the notifier reads and writes; empty in production. Lets tests and the
  // benchmark run on a shared broker without reading or writing anyone else's messages.
  NOTIFIER_TOPIC_PREFIX: z.string().default(''),
  NOTIFIER_LOG_WRITER_ENABLED: env.bool(true),
  NOTIFIER_LOG_WRITER_GROUP: env.string('notification-log-writer'),
  NOTIFIER_LOG_WRITER_CONCURRENCY: env.int(6, 1, 64),
  NOTIFIER_SCHEDULER_ENABLED: env.bool(true),
  KAFKA_CREATE_TOPICS: env.bool(true),
  /** Base URL under which Twilio reaches this service; StatusCallback URLs and signature checks use it. */
  NOTIFIER_PUBLIC_URL: z.string().url(),
  /**
   * How long a protected-tier notice waits for its fraud enrollment before it goes without the code (and
   * the code follows in a second message). Long enough for fraud-guard to work through a large incident's
   * backlog (the 200,000-subscriber demo on 2 cores needed about 6 minutes); short against the hours a
   * notice may take, so a fraud-guard outage delays notices by this much at most.
   */
  NOTIFIER_ENROLLMENT_MAX_WAIT_MS: env.int(600_000, 0),
  /**
   * LOW and MEDIUM notices of an incident wait until no new notice of it arrived for this long. 0 (the
   * default, ADR 0019): they go while the incident's notices still arrive, so the sender is not idle
   * through the ingest; every claim still takes CRITICAL and HIGH first.
   */
  NOTIFIER_SETTLE_MS: env.int(0, 0),
  /** Asia/Karachi hours when LOW and MEDIUM notices are held, "21-08"; "off" disables. */
  NOTIFIER_QUIET_HOURS: env.string('21-08'),
  NOTIFIER_POLL_INTERVAL_MS: env.int(500, 10),
  /** A claimed delivery belongs to its instance this long; after that another instance reconciles it. */
  NOTIFIER_LEASE_MS: env.int(120_000, 1000),
  /** An attempt whose outcome is unknown is reconciled no sooner than this after it started. */
  NOTIFIER_RECONCILE_GRACE_MS: env.int(30_000, 0),
  /** Accepted or sent messages with no callback for this long are fetched from the provider. */
  NOTIFIER_STATUS_POLL_AFTER_MS: env.int(600_000, 1000),
  NOTIFIER_MAX_ATTEMPTS: env.int(8, 1, 100),
  NOTIFIER_RETRY_BASE_MS: env.int(2000, 1),
  NOTIFIER_RETRY_MAX_MS: env.int(300_000, 1),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits'),
  TWILIO_AUTH_TOKEN: env.string(),
  TWILIO_FROM: env.optionalString(),
  TWILIO_MESSAGING_SERVICE_SID: z
    .string()
    .regex(/^MG[0-9a-fA-F]{32}$/, 'must be MG followed by 32 hex digits')
    .optional(),
  /** Only for the local stand-in: replaces https://api.twilio.com; nothing else differs from real Twilio. */
  TWILIO_API_BASE_URL: z.string().url().optional(),
  TWILIO_REQUEST_TIMEOUT_MS: env.int(10_000, 100),
  /** The sender's throughput as Twilio counts it (segments per second), shared by every notifier instance. */
  TWILIO_SEGMENTS_PER_SECOND: z.coerce.number().positive().max(100_000).default(10),
  /** Requests to Twilio in flight per instance (Twilio answers 20429 past its account limit). */
  TWILIO_MAX_CONCURRENCY: env.int(50, 1, 1000),
  /**
   * Each SMS is handed to Twilio this long before its slot in the budget: Twilio queues what exceeds the
   * sender's rate, so a queue this deep keeps the sender busy through our own timer and database stalls,
   * and a CRITICAL notice waits behind at most this much earlier work.
   */
  TWILIO_SEND_LEAD_MS: env.int(1500, 0, 60_000),
  SMTP_HOST: env.string('127.0.0.1'),
  SMTP_PORT: env.port(2525),
  SMTP_SECURE: env.bool(false),
  SMTP_USER: env.optionalString(),
  SMTP_PASSWORD: env.optionalString(),
  /** Connections to the relay at once: size it to what the relay allows one client (ADR 0019). */
  SMTP_POOL_SIZE: env.int(10, 1, 100),
  /** Messages per connection before it is recycled (relays often cap this; 0 = no cap). */
  SMTP_MESSAGES_PER_CONNECTION: env.int(1000, 0, 1_000_000),
  SMTP_TIMEOUT_MS: env.int(15_000, 100),
  NOTIFIER_EMAIL_FROM: env.string('Baltik Customer Protection <protect@baltik.example>'),
  NOTIFIER_OPERATOR_NAME: env.string('Baltik'),
  NOTIFIER_OPERATOR_NAME_UR: env.string('بالٹک'),
  NOTIFIER_HELPLINE: env.string('0800-22584'),
  NOTIFIER_OFFICIAL_SITE: env.string('www.baltik.example/breach'),
};

export type NotifierConfig = ReturnType<typeof loadNotifierConfig>;

/** Loads and checks the notifier's configuration; throws ConfigValidationError naming each bad variable. */
export function loadNotifierConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(notifierConfigShape, source);
  const problems: string[] = [];
  if (!config.TWILIO_FROM && !config.TWILIO_MESSAGING_SERVICE_SID) {
    problems.push('TWILIO_FROM: set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID (the sender)');
  }
  let quietHours: QuietHours | null = null;
  try {
    quietHours = parseQuietHours(config.NOTIFIER_QUIET_HOURS);
  } catch (error) {
    problems.push(`NOTIFIER_QUIET_HOURS: ${(error as Error).message}`);
  }
  let cipher: FieldCipher | undefined;
  try {
    cipher = new FieldCipher(parseKeyRing(config.PII_ENCRYPTION_KEYS, config.PII_ACTIVE_KEY_ID));
  } catch (error) {
    problems.push(`PII_ENCRYPTION_KEYS: ${(error as Error).message}`);
  }
  const retryDelaysMs = config.NOTIFIER_RETRY_DELAYS_MS.map(Number);
  if (retryDelaysMs.some((delay) => !Number.isInteger(delay) || delay < 0)) {
    problems.push('NOTIFIER_RETRY_DELAYS_MS: expected a comma-separated list of milliseconds');
  }
  if (config.NOTIFIER_LEASE_MS <= config.TWILIO_REQUEST_TIMEOUT_MS * 2) {
    problems.push(
      'NOTIFIER_LEASE_MS: must be more than twice TWILIO_REQUEST_TIMEOUT_MS, or a live send could be reconciled',
    );
  }
  if (problems.length > 0 || !cipher) throw new ConfigValidationError(problems);
  return {
    ...config,
    retryDelaysMs,
    quietHours,
    cipher,
    logHmacKey: Buffer.from(config.NOTIFIER_LOG_HMAC_KEY, 'base64'),
    sender: config.TWILIO_FROM ?? config.TWILIO_MESSAGING_SERVICE_SID ?? '', // one of them is set (checked above)
    publicUrl: config.NOTIFIER_PUBLIC_URL.replace(/\/+$/, ''),
  };
}
