import type { Logger } from 'pino';

/**
 * NestJS closes consumers, relays and pools on SIGTERM/SIGINT (enableShutdownHooks). If that hangs
 * (a broker that no longer answers), the process must still end before the orchestrator kills it
 * mid-write: after `timeoutMs` it exits non-zero. Uncommitted Kafka offsets are then redelivered,
 * which idempotent handlers absorb.
 */
export function installShutdownDeadline(timeoutMs: number, logger: Logger): void {
  const arm = (signal: NodeJS.Signals) => {
    logger.info({ signal, timeoutMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'graceful shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
