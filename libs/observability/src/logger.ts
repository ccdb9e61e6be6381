import pino, { type Logger } from 'pino';
import { piiRedactPaths, redactPiiInText } from '@bnp/pii';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * JSON logs for one service. Known PII fields are masked by path, and free text (messages, error
 * messages and stacks) is scrubbed of anything shaped like an MSISDN, CNIC or email address.
 */
export function createLogger(service: string, level: LogLevel = 'info'): Logger {
  return pino({
    level,
    base: { service },
    // 'name' would repeat the service; pino adds it only when set.
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: piiRedactPaths, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    serializers: {
      err: (error: unknown) => {
        const serialized = pino.stdSerializers.err(error as Error);
        return {
          ...serialized,
          message: redactPiiInText(serialized.message ?? ''),
          stack: serialized.stack ? redactPiiInText(serialized.stack) : undefined,
        };
      },
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactPiiInText(arg) : arg)) as Parameters<
          typeof method
        >;
        method.apply(this, scrubbed);
      },
    },
  });
}
