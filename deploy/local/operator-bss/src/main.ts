// Entry point: node -r @swc-node/register deploy/local/operator-bss/src/main.ts
// PORT (default 4030), KAFKA_BROKERS (default 127.0.0.1:9092), OPERATOR_BSS_LATENCY_MS (default 200).
import { createOperatorBssStandIn } from './stand-in';

async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? '4030');
  const latencyMs = Number(process.env['OPERATOR_BSS_LATENCY_MS'] ?? '200');
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(latencyMs) || latencyMs < 0) {
    console.error('PORT must be a port number and OPERATOR_BSS_LATENCY_MS a number of milliseconds');
    process.exit(78); // EX_CONFIG
  }
  const standIn = await createOperatorBssStandIn({
    brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
    latencyMs,
    port,
  });
  console.log(`operator BSS stand-in listening on ${standIn.url}, acknowledging fraud.protection.v1`);
  const shutdown = (): void => {
    standIn.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
