// Entry point: node -r @swc-node/register deploy/local/smtp-sink/src/main.ts
import pino from 'pino';
import { ConfigError, loadConfig } from './config';
import { createSmtpSink } from './sink';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, name: 'smtp-sink' });
  const sink = await createSmtpSink({ ...config, logger });
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    sink.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
