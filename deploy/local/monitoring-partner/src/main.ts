// Entry point: node -r @swc-node/register deploy/local/monitoring-partner/src/main.ts
// PORT (default 4020), MONITORING_PARTNER_FAILURE_MODE (none | outage | latency | store-then-500),
// MONITORING_PARTNER_LATENCY_MS, MONITORING_PARTNER_API_KEY.
import { FAILURE_MODES, createMonitoringPartnerStandIn, type FailureMode } from './stand-in';

async function main(): Promise<void> {
  const mode = process.env['MONITORING_PARTNER_FAILURE_MODE'] ?? 'none';
  if (!(FAILURE_MODES as readonly string[]).includes(mode)) {
    console.error(`MONITORING_PARTNER_FAILURE_MODE must be one of ${FAILURE_MODES.join(', ')}`);
    process.exit(78); // EX_CONFIG
  }
  const port = Number(process.env['PORT'] ?? '4020');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('PORT must be a port number');
    process.exit(78);
  }
  const standIn = await createMonitoringPartnerStandIn({
    port,
    failureMode: mode as FailureMode,
    latencyMs: Number(process.env['MONITORING_PARTNER_LATENCY_MS'] ?? '2000'),
    ...(process.env['MONITORING_PARTNER_API_KEY'] ? { apiKey: process.env['MONITORING_PARTNER_API_KEY'] } : {}),
  });
  console.log(`monitoring partner stand-in listening on ${standIn.url} (failure mode: ${mode})`);
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
