// Entry point: node -r @swc-node/register deploy/local/twilio-stand-in/src/main.ts
import pino from 'pino';
import { ConfigError, loadConfig } from './config';
import { createTwilioStandIn } from './stand-in';

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
  const logger = pino({ level: config.logLevel, name: 'twilio-stand-in' });
  const { faults: _faults, ...settings } = config;
  const standIn = await createTwilioStandIn({ ...settings, faults: config.faults, logger });
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    standIn.close().then(
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
