import { createLogger, installShutdownDeadline } from '@bnp/observability';
import { createExposureApp } from './app';
import { loadExposureConfig } from './config';

async function main(): Promise<void> {
  const config = loadExposureConfig();
  const logger = createLogger('exposure', config.LOG_LEVEL);
  const { app } = await createExposureApp(config, logger);
  installShutdownDeadline(config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HTTP_HOST);
  logger.info({ url: `http://${config.HTTP_HOST}:${config.PORT}` }, 'exposure listening');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
