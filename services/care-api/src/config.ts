import { resolve } from 'node:path';
import { z } from 'zod';
import { authConfigShape } from '@bnp/auth';
import {
  databaseConfigShape,
  env,
  kafkaConfigShape,
  loadConfig,
  piiKeyConfigShape,
  serviceConfigShape,
} from '@bnp/config';

export const careConfigShape = {
  ...serviceConfigShape,
  ...kafkaConfigShape,
  ...databaseConfigShape,
  ...authConfigShape,
  // Opens the numbers and emails exposure.v1 carries (for a supervisor's reveal) and blind-indexes what agents type.
  ...piiKeyConfigShape,
  PORT: env.port(3005),
  CARE_CONSUMER_GROUP: env.string('care-api'),
  // Delays of the retry tiers; after the last one a failing message is dead-lettered.
  CARE_RETRY_DELAYS_MS: env.list('1000,10000,60000'),
  KAFKA_CREATE_TOPICS: env.bool(true),
  // The owning services' narrow internal APIs: the directory lookup (exposure) and reference codes (notifier).
  EXPOSURE_URL: z.string().url().default('http://127.0.0.1:3002'),
  NOTIFIER_URL: z.string().url().default('http://127.0.0.1:3003'),
  // fraud-guard, which owns enrollments: a verified caller's opt-out goes there with the agent's token.
  FRAUD_GUARD_URL: z.string().url().default('http://127.0.0.1:3004'),
  CARE_UPSTREAM_TIMEOUT_MS: env.int(5000, 100, 60000),
  // The console (services/care-web, built by `vite build`): served from this directory, also on its own port,
  // which is the one the IdP's care-web client redirects to (0: not at all).
  CARE_WEB_DIST: env.string(resolve(__dirname, '../../care-web/dist')),
  CARE_WEB_PORT: env.port(3010),
  CARE_WEB_CLIENT_ID: env.string('care-web'),
  // The issuer as the browser reaches it, when that differs from OIDC_ISSUER (a proxy, a container network).
  CARE_WEB_ISSUER: env.optionalString(),
};

export type CareConfig = ReturnType<typeof loadCareConfig>;

export function loadCareConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(careConfigShape, source);
  return { ...config, retryDelaysMs: config.CARE_RETRY_DELAYS_MS.map(Number) };
}
