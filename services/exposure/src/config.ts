import { authConfigShape } from '@bnp/auth';
import {
  databaseConfigShape,
  env,
  kafkaConfigShape,
  loadConfig,
  piiKeyConfigShape,
  serviceConfigShape,
} from '@bnp/config';
import { loadImportKeys } from './cli/import-config';

export const exposureConfigShape = {
  ...serviceConfigShape,
  ...authConfigShape,
  ...kafkaConfigShape,
  ...databaseConfigShape,
  ...piiKeyConfigShape,
  PORT: env.port(3002),
  EXPOSURE_CONSUMER_GROUP: env.string('exposure'),
  EXPOSURE_RETRY_DELAYS_MS: env.list('1000,10000,60000'),
  KAFKA_CREATE_TOPICS: env.bool(true),
  // Overrides the policy file's threshold: revisions that would send to more people wait for two approvals.
  GATE_MAX_PEOPLE_WITHOUT_APPROVAL: env.int(-1, -1),
  // The threshold counts each reporter's people over this rolling window, not one revision at a time.
  GATE_WINDOW_HOURS: env.int(24, 1, 24 * 30),
  // exposure.v1 events per send. 5,000 beat 2,500 on 2 cores; 10,000 was faster alone (fanout bench, 371k
  // events) but not over the whole path (1M and 10M exposure runs); well above 15,000 a partition's share of
  // one send can pass the broker's 1 MB record-batch limit (message.max.bytes).
  EXPOSURE_RELAY_BATCH: env.int(5000, 1, 15000),
  EXPOSURE_JOB_LEASE_MS: env.int(600000, 1000),
};

export type ExposureConfig = ReturnType<typeof loadExposureConfig>;

export function loadExposureConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(exposureConfigShape, source);
  return {
    ...config,
    retryDelaysMs: config.EXPOSURE_RETRY_DELAYS_MS.map(Number),
    // Inventory changes carry plain CNICs, names and MSISDNs: they are encrypted and blind-indexed on arrival.
    piiKeys: loadImportKeys(source),
  };
}
