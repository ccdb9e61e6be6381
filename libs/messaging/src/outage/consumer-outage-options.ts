import type { DataSource } from 'typeorm';
import type { OutageWaiterOptions } from './outage-waiter';

export interface ConsumerOutageConfig {
  CONSUMER_OUTAGE_BACKOFF_INITIAL_MS: number;
  CONSUMER_OUTAGE_BACKOFF_MAX_MS: number;
}

/** A service consumer's outage handling: its configured backoff, probing the service's own database. */
export function consumerOutageOptions(config: ConsumerOutageConfig, dataSource: DataSource): OutageWaiterOptions {
  return {
    backoff: { initialMs: config.CONSUMER_OUTAGE_BACKOFF_INITIAL_MS, maxMs: config.CONSUMER_OUTAGE_BACKOFF_MAX_MS },
    probe: () => dataSource.query('SELECT 1'),
    probeTimeoutMs: 5000,
  };
}
