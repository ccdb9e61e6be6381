import { createLogger, installShutdownDeadline } from '@bnp/observability';
import { createRegulatorApiApp } from './app';
import { loadRegulatorApiConfig } from './config';

async function main(): Promise<void> {
  const config = loadRegulatorApiConfig();
  const logger = createLogger('regulator-api', config.LOG_LEVEL);
  const app = await createRegulatorApiApp(config, logger);
  installShutdownDeadline(config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.listen(config.PORT, config.HTTP_HOST);
  logger.info({ url: `http://${config.HTTP_HOST}:${config.PORT}` }, 'regulator-api listening');
}

main().catch((error: unknown) => {
  // Config errors name the bad variable; print them plainly and exit non-zero.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
