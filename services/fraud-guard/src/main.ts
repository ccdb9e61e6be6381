import { createLogger, installShutdownDeadline } from '@bnp/observability';
import { createFraudGuardApp } from './app';
import { loadFraudGuardConfig } from './config';

async function main(): Promise<void> {
  const config = loadFraudGuardConfig();
  const logger = createLogger('fraud-guard', config.LOG_LEVEL);
  if (config.FRAUD_DEV_ENDPOINTS)
    logger.warn('FRAUD_DEV_ENDPOINTS is on: one-time codes are readable over HTTP; never in production');
  const { app } = await createFraudGuardApp(config, logger);
  installShutdownDeadline(config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HTTP_HOST);
  logger.info({ url: `http://${config.HTTP_HOST}:${config.PORT}` }, 'fraud-guard listening');
}

main().catch((error: unknown) => {
  // Config errors name the bad variable; print them plainly and exit non-zero.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
