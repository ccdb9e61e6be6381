// Configuration from the environment, validated up front: a bad variable stops the process with its name.
import { z } from 'zod';

export interface RecipientRules {
  /** Refused at RCPT TO with 550 5.1.1 (permanent). */
  reject: string[];
  /** Refused at RCPT TO with 451 4.7.1 (try again later). */
  tempFail: string[];
}

export interface SmtpSinkConfig {
  host: string;
  smtpPort: number;
  httpPort: number;
  /** Oldest mail is dropped beyond this many. */
  maxMessages: number;
  maxMessageBytes: number;
  /** JSON file that keeps mail across restarts; null = memory only. */
  storeFile: string | null;
  storeWriteIntervalMs: number;
  /** When set, AUTH PLAIN/LOGIN must use these credentials; unauthenticated mail is still accepted. */
  auth: { user: string; pass: string } | null;
  recipients: RecipientRules;
  logLevel: string;
}

export function defaultConfig(): SmtpSinkConfig {
  return {
    host: '127.0.0.1',
    smtpPort: 1025,
    httpPort: 1080,
    maxMessages: 5000,
    maxMessageBytes: 10 * 1024 * 1024,
    storeFile: null,
    storeWriteIntervalMs: 500,
    auth: null,
    recipients: { reject: [], tempFail: [] },
    logLevel: 'info',
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const addressList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter((a) => a.length > 0),
  )
  .refine((list) => list.every((a) => EMAIL.test(a)), 'must be a comma-separated list of e-mail addresses');

const envSchema = z.object({
  SMTP_SINK_HOST: z.string().min(1).optional(),
  SMTP_SINK_SMTP_PORT: int(0, 65_535).optional(),
  SMTP_SINK_HTTP_PORT: int(0, 65_535).optional(),
  SMTP_SINK_MAX_MESSAGES: int(1).optional(),
  SMTP_SINK_MAX_MESSAGE_BYTES: int(1024).optional(),
  SMTP_SINK_STORE_FILE: z.string().optional(),
  SMTP_SINK_STORE_WRITE_INTERVAL_MS: int(10).optional(),
  SMTP_SINK_AUTH_USER: z.string().min(1).optional(),
  SMTP_SINK_AUTH_PASS: z.string().min(1).optional(),
  SMTP_SINK_REJECT_RECIPIENTS: addressList.optional(),
  SMTP_SINK_TEMPFAIL_RECIPIENTS: addressList.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): SmtpSinkConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (
    parsed.success &&
    (parsed.data.SMTP_SINK_AUTH_USER === undefined) !== (parsed.data.SMTP_SINK_AUTH_PASS === undefined)
  ) {
    issues.push('SMTP_SINK_AUTH_USER / SMTP_SINK_AUTH_PASS: set both or neither');
  }
  if (!parsed.success || issues.length > 0) throw new ConfigError(`invalid configuration:\n  ${issues.join('\n  ')}`);
  const e = parsed.data;
  const d = defaultConfig();
  return {
    host: e.SMTP_SINK_HOST ?? d.host,
    smtpPort: e.SMTP_SINK_SMTP_PORT ?? d.smtpPort,
    httpPort: e.SMTP_SINK_HTTP_PORT ?? d.httpPort,
    maxMessages: e.SMTP_SINK_MAX_MESSAGES ?? d.maxMessages,
    maxMessageBytes: e.SMTP_SINK_MAX_MESSAGE_BYTES ?? d.maxMessageBytes,
    storeFile: e.SMTP_SINK_STORE_FILE ?? d.storeFile,
    storeWriteIntervalMs: e.SMTP_SINK_STORE_WRITE_INTERVAL_MS ?? d.storeWriteIntervalMs,
    auth:
      e.SMTP_SINK_AUTH_USER && e.SMTP_SINK_AUTH_PASS
        ? { user: e.SMTP_SINK_AUTH_USER, pass: e.SMTP_SINK_AUTH_PASS }
        : null,
    recipients: { reject: e.SMTP_SINK_REJECT_RECIPIENTS ?? [], tempFail: e.SMTP_SINK_TEMPFAIL_RECIPIENTS ?? [] },
    logLevel: e.LOG_LEVEL ?? d.logLevel,
  };
}
