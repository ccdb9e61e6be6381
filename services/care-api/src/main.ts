import { createLogger, installShutdownDeadline } from '@bnp/observability';
import { createCareApp } from './app';
import { loadCareConfig } from './config';

async function main(): Promise<void> {
  const config = loadCareConfig();
  const logger = createLogger('care-api', config.LOG_LEVEL);
  const { app } = await createCareApp(config, logger);
  installShutdownDeadline(config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HTTP_HOST);
  logger.info({ url: `http://${config.HTTP_HOST}:${config.PORT}` }, 'care-api listening');
}

main().catch((error: unknown) => {
  // Config errors name the bad variable; print them plainly and exit non-zero.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
