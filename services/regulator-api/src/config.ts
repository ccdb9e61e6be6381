import { z } from 'zod';
import {
  ConfigValidationError,
  databaseConfigShape,
  env,
  kafkaConfigShape,
  loadConfig,
  serviceConfigShape,
} from '@bnp/config';
import { authConfigShape } from '@bnp/auth';

export const regulatorApiConfigShape = {
  ...serviceConfigShape,
  ...kafkaConfigShape,
  ...databaseConfigShape,
  ...authConfigShape,
  PORT: env.port(3007),
  // The operator's private signing key (JWK JSON, Ed25519): reports go to regulators as JWS signed with it.
  REGULATOR_SIGNING_JWK: env.string(),
  // The regulator's portal (local: deploy/local/regulator-portal); one stand-in receives for every regulator.
  REGULATOR_PORTAL_URL: z.string().url(),
  REGULATOR_PORTAL_TIMEOUT_MS: env.int(10_000, 100, 120_000),
  // Submission retries: first delay, doubling up to the cap. A report is retried until a receipt comes back.
  REGULATOR_SUBMIT_RETRY_MS: env.int(1000, 10, 60_000),
  REGULATOR_SUBMIT_RETRY_MAX_MS: env.int(60_000, 100, 3_600_000),
  REGULATOR_SUBMIT_POLL_MS: env.int(500, 50, 60_000),
  // How often every deadline clock is read (alerts at 50%, 80% and 100% elapsed unfiled).
  REGULATOR_CLOCK_INTERVAL_MS: env.int(15_000, 100, 600_000),
  // The transparency log service (checkpoint, tiles, proofs, bundles are proxied from it), and regulator-api's
  // own client at the IdP (client credentials, role log-reader) for calling it (ADR 0024).
  TLOG_URL: z.string().url(),
  TLOG_CLIENT_ID: env.string('bnp-regulator-api'),
  TLOG_CLIENT_SECRET: env.string(),
  OPERATOR_NAME: env.string('Baltik Telecom'),
  OPERATOR_CONTACT_NAME: env.string('Data Protection Officer'),
  OPERATOR_CONTACT_EMAIL: env.string('dpo@baltik.example'),
  OPERATOR_CONTACT_PHONE: env.string('+92 51 111 000 111'),
  OPERATOR_OFFICIAL_SITE: env.string('https://www.baltik.example/breach'),
};

export type RegulatorApiConfig = ReturnType<typeof loadRegulatorApiConfig>;

export function loadRegulatorApiConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(regulatorApiConfigShape, source);
  let signingJwk: Record<string, unknown>;
  try {
    signingJwk = JSON.parse(config.REGULATOR_SIGNING_JWK) as Record<string, unknown>;
  } catch {
    throw new ConfigValidationError(['REGULATOR_SIGNING_JWK: must be a JWK as JSON']);
  }
  if (signingJwk['kty'] !== 'OKP' || signingJwk['crv'] !== 'Ed25519' || typeof signingJwk['d'] !== 'string')
    throw new ConfigValidationError(['REGULATOR_SIGNING_JWK: must be a private Ed25519 JWK (kty OKP, crv Ed25519, d)']);
  return {
    ...config,
    signingJwk,
    operator: {
      name: config.OPERATOR_NAME,
      contact: {
        name: config.OPERATOR_CONTACT_NAME,
        email: config.OPERATOR_CONTACT_EMAIL,
        phone: config.OPERATOR_CONTACT_PHONE,
      },
      officialSite: config.OPERATOR_OFFICIAL_SITE,
    },
  };
}
