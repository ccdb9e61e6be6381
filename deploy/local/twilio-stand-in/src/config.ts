// Configuration from the environment. Every variable is validated up front and a bad one stops the
// process with its name in the message, so a typo in deploy/local never turns into odd behaviour later.
import { z } from 'zod';
import { faultPatchSchema, type FaultSettings } from './faults';
import { checkNumberEntry } from './numbers';

export interface NumberRules {
  /** Create fails with 21610. */
  optedOut: string[];
  /** Create fails with 21614. */
  landline: string[];
  /** Accepted, then undelivered with 30003. */
  unreachable: string[];
  /** Accepted, then undelivered with 30005. */
  unknown: string[];
  /** Accepted, then undelivered with 30006. */
  carrierUnreachable: string[];
  /** Accepted, then failed with 30008 (never reaches a carrier). */
  failing: string[];
}

export interface CallbackSettings {
  /** Chance that a message's 'sent' callback is posted after its final status callback. */
  outOfOrderProbability: number;
  timeoutMs: number;
  retryDelayMs: number;
  /** Callbacks in flight at once; more wait in a queue. */
  concurrency: number;
  /** Also call back on 'sending' (Twilio's guide says handlers must cope with it). */
  includeSending: boolean;
}

export interface StandInConfig {
  host: string;
  port: number;
  accountSid: string;
  authToken: string;
  /** Throughput per sender (From or MessagingServiceSid), in segments per second. */
  segmentsPerSecond: number;
  /** A From whose queue would make a new message wait longer than this gets 21611. */
  maxQueueSeconds: number;
  /** Optional cap on queued segments per sender (also 21611); null = no cap. */
  maxQueueSegments: number | null;
  maxConcurrency: number;
  pricePerSegment: number;
  /** The number a Messaging Service "picks" from its pool. */
  messagingServiceFrom: string;
  sentDelayMs: number;
  deliveredDelayMs: number;
  numbers: NumberRules;
  callbacks: CallbackSettings;
  /** null disables persistence. */
  stateFile: string | null;
  stateWriteIntervalMs: number;
  faults: FaultSettings;
  logLevel: string;
}

export const DEFAULT_ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const DEFAULT_AUTH_TOKEN = 'local-stand-in-auth-token';

export function defaultConfig(): StandInConfig {
  return {
    host: '127.0.0.1',
    port: 4010,
    accountSid: DEFAULT_ACCOUNT_SID,
    authToken: DEFAULT_AUTH_TOKEN,
    segmentsPerSecond: 500,
    maxQueueSeconds: 36_000,
    maxQueueSegments: null,
    maxConcurrency: 100,
    pricePerSegment: 0.0075,
    messagingServiceFrom: '+15005550006',
    sentDelayMs: 20,
    deliveredDelayMs: 100,
    numbers: { optedOut: [], landline: [], unreachable: [], unknown: [], carrierUnreachable: [], failing: [] },
    callbacks: {
      outOfOrderProbability: 0,
      timeoutMs: 15_000,
      retryDelayMs: 1_000,
      concurrency: 64,
      includeSending: false,
    },
    stateFile: '.run/twilio-stand-in/state.json',
    stateWriteIntervalMs: 250,
    faults: {},
    logLevel: 'info',
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const numberList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e.length > 0),
  )
  .superRefine((entries, ctx) => {
    for (const entry of entries) {
      const problem = checkNumberEntry(entry);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }
  });
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const faultsJson = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is not valid JSON' });
    return z.NEVER;
  }
});

const envSchema = z.object({
  TWILIO_STANDIN_HOST: z.string().min(1).optional(),
  TWILIO_STANDIN_PORT: int(0, 65_535).optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits (34 characters)')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_STANDIN_SEGMENTS_PER_SECOND: z.coerce.number().positive().max(1_000_000).optional(),
  TWILIO_STANDIN_MAX_QUEUE_SECONDS: z.coerce.number().positive().optional(),
  TWILIO_STANDIN_MAX_QUEUE_SEGMENTS: int(1).optional(),
  TWILIO_STANDIN_MAX_CONCURRENCY: int(1).optional(),
  TWILIO_STANDIN_PRICE_PER_SEGMENT: z.coerce.number().min(0).optional(),
  TWILIO_STANDIN_MESSAGING_SERVICE_FROM: z
    .string()
    .regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 number')
    .optional(),
  TWILIO_STANDIN_SENT_DELAY_MS: int(0).optional(),
  TWILIO_STANDIN_DELIVERED_DELAY_MS: int(0).optional(),
  TWILIO_STANDIN_OPTED_OUT_NUMBERS: numberList.optional(),
  TWILIO_STANDIN_LANDLINE_NUMBERS: numberList.optional(),
  TWILIO_STANDIN_UNREACHABLE_NUMBERS: numberList.optional(),
  TWILIO_STANDIN_UNKNOWN_NUMBERS: numberList.optional(),
  TWILIO_STANDIN_CARRIER_UNREACHABLE_NUMBERS: numberList.optional(),
  TWILIO_STANDIN_FAILING_NUMBERS: numberList.optional(),
  TWILIO_STANDIN_CALLBACK_OUT_OF_ORDER_PROBABILITY: z.coerce.number().min(0).max(1).optional(),
  TWILIO_STANDIN_CALLBACK_TIMEOUT_MS: int(1).optional(),
  TWILIO_STANDIN_CALLBACK_RETRY_DELAY_MS: int(0).optional(),
  TWILIO_STANDIN_CALLBACK_CONCURRENCY: int(1).optional(),
  TWILIO_STANDIN_CALLBACK_ON_SENDING: bool.optional(),
  // Empty string disables persistence; unset keeps the default path.
  TWILIO_STANDIN_STATE_FILE: z.string().optional(),
  TWILIO_STANDIN_STATE_WRITE_INTERVAL_MS: int(10).optional(),
  TWILIO_STANDIN_FAULTS: faultsJson.pipe(faultPatchSchema).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): StandInConfig {
  // Treat empty values as unset, except the state file where '' means "off".
  const present = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) => value !== undefined && (value !== '' || key === 'TWILIO_STANDIN_STATE_FILE'),
    ),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const d = defaultConfig();
  const faults: FaultSettings = {};
  for (const [mode, setting] of Object.entries(e.TWILIO_STANDIN_FAULTS ?? {})) {
    if (setting) Object.assign(faults, { [mode]: setting });
  }
  return {
    host: e.TWILIO_STANDIN_HOST ?? d.host,
    port: e.TWILIO_STANDIN_PORT ?? d.port,
    accountSid: e.TWILIO_ACCOUNT_SID ?? d.accountSid,
    authToken: e.TWILIO_AUTH_TOKEN ?? d.authToken,
    segmentsPerSecond: e.TWILIO_STANDIN_SEGMENTS_PER_SECOND ?? d.segmentsPerSecond,
    maxQueueSeconds: e.TWILIO_STANDIN_MAX_QUEUE_SECONDS ?? d.maxQueueSeconds,
    maxQueueSegments: e.TWILIO_STANDIN_MAX_QUEUE_SEGMENTS ?? d.maxQueueSegments,
    maxConcurrency: e.TWILIO_STANDIN_MAX_CONCURRENCY ?? d.maxConcurrency,
    pricePerSegment: e.TWILIO_STANDIN_PRICE_PER_SEGMENT ?? d.pricePerSegment,
    messagingServiceFrom: e.TWILIO_STANDIN_MESSAGING_SERVICE_FROM ?? d.messagingServiceFrom,
    sentDelayMs: e.TWILIO_STANDIN_SENT_DELAY_MS ?? d.sentDelayMs,
    deliveredDelayMs: e.TWILIO_STANDIN_DELIVERED_DELAY_MS ?? d.deliveredDelayMs,
    numbers: {
      optedOut: e.TWILIO_STANDIN_OPTED_OUT_NUMBERS ?? d.numbers.optedOut,
      landline: e.TWILIO_STANDIN_LANDLINE_NUMBERS ?? d.numbers.landline,
      unreachable: e.TWILIO_STANDIN_UNREACHABLE_NUMBERS ?? d.numbers.unreachable,
      unknown: e.TWILIO_STANDIN_UNKNOWN_NUMBERS ?? d.numbers.unknown,
      carrierUnreachable: e.TWILIO_STANDIN_CARRIER_UNREACHABLE_NUMBERS ?? d.numbers.carrierUnreachable,
      failing: e.TWILIO_STANDIN_FAILING_NUMBERS ?? d.numbers.failing,
    },
    callbacks: {
      outOfOrderProbability: e.TWILIO_STANDIN_CALLBACK_OUT_OF_ORDER_PROBABILITY ?? d.callbacks.outOfOrderProbability,
      timeoutMs: e.TWILIO_STANDIN_CALLBACK_TIMEOUT_MS ?? d.callbacks.timeoutMs,
      retryDelayMs: e.TWILIO_STANDIN_CALLBACK_RETRY_DELAY_MS ?? d.callbacks.retryDelayMs,
      concurrency: e.TWILIO_STANDIN_CALLBACK_CONCURRENCY ?? d.callbacks.concurrency,
      includeSending: e.TWILIO_STANDIN_CALLBACK_ON_SENDING ?? d.callbacks.includeSending,
    },
    stateFile: e.TWILIO_STANDIN_STATE_FILE === undefined ? d.stateFile : e.TWILIO_STANDIN_STATE_FILE || null,
    stateWriteIntervalMs: e.TWILIO_STANDIN_STATE_WRITE_INTERVAL_MS ?? d.stateWriteIntervalMs,
    faults,
    logLevel: e.LOG_LEVEL ?? d.logLevel,
  };
}
