import { createServer, type RequestListener } from 'node:http';
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
  if (config.CARE_WEB_PORT > 0) {
    // The same application on the console's port: the one the IdP's care-web client may redirect to.
    const server = createServer(app.getHttpAdapter().getInstance() as RequestListener);
    await new Promise<void>((resolve) => server.listen(config.CARE_WEB_PORT, config.HTTP_HOST, resolve));
    app.getHttpServer().on('close', () => server.close());
    logger.info({ url: `http://${config.HTTP_HOST}:${config.CARE_WEB_PORT}/` }, 'care console listening');
  }
}

main().catch((error: unknown) => {
  // Config errors name the bad variable; print them plainly and exit non-zero.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
