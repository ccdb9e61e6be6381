import { createLogger, installShutdownDeadline } from '@bnp/observability';
import { createNotifierApp } from './app';
import { loadNotifierConfig } from './config';

async function main(): Promise<void> {
  const config = loadNotifierConfig();
  const logger = createLogger('notifier', config.LOG_LEVEL);
  const { app } = await createNotifierApp(config, logger);
  // A shutdown that overruns is cut short: attempts in flight are recorded and leased, so the restart
  // (same NOTIFIER_INSTANCE_ID) reconciles them at once, as after a crash (ADR 0004).
  installShutdownDeadline(config.SHUTDOWN_TIMEOUT_MS, logger);
  // HTTP (status callbacks) and the scheduler first: sending and settling unfinished attempts must not
  // wait for the consumer groups to rebalance after a crash (up to a session timeout).
  await app.listen(config.PORT, config.HTTP_HOST);
  await app.startAllMicroservices();
  logger.info(
    { url: `http://${config.HTTP_HOST}:${config.PORT}`, instance: config.NOTIFIER_INSTANCE_ID },
    'notifier listening',
  );
}

main().catch((error: unknown) => {
  // Config errors name the bad variable; print them plainly and exit non-zero.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
