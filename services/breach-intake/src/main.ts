import { createLogger, installShutdownDeadline } from '@bnp/observability';
import { createIntakeApp } from './app';
import { loadIntakeConfig } from './config';

async function main(): Promise<void> {
  const config = loadIntakeConfig();
  const logger = createLogger('breach-intake', config.LOG_LEVEL);
  const { app } = await createIntakeApp(config, logger);
  installShutdownDeadline(config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HTTP_HOST);
  logger.info({ url: `http://${config.HTTP_HOST}:${config.PORT}` }, 'breach-intake listening');
}

main().catch((error: unknown) => {
  // Config errors name the bad variable; print them plainly and exit non-zero.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
