import { createLogger, installShutdownDeadline } from '@bnp/observability';
import { createFraudGuardApp } from './app';
import { loadFraudGuardConfig } from './config';

async function main(): Promise<void> {
  const config = loadFraudGuardConfig();
  const logger = createLogger('fraud-guard', config.LOG_LEVEL);
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
