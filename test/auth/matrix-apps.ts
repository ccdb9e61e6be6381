// Boots the services in this process, as their main.ts does (minus the Kafka consumers, which no HTTP
// route needs), and lists each one's HTTP routes from its Nest/Express router. The services are loaded by
// path: end-to-end code never imports a service's modules statically.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createLogger } from '@bnp/observability';
import { testEnv } from '@bnp/testing';
import { ed25519FromSeed, signerKey } from '@bnp/tlog';

const ROOT = join(__dirname, '..', '..');

interface ServiceEntry {
  name: string;
  config: [file: string, loader: string];
  app: [file: string, factory: string];
  env: Record<string, string>;
}

const SERVICES: ServiceEntry[] = [
  { name: 'breach-intake', config: ['config', 'loadIntakeConfig'], app: ['app', 'createIntakeApp'], env: {} },
  {
    name: 'exposure',
    config: ['config', 'loadExposureConfig'],
    app: ['app', 'createExposureApp'],
    env: { EXPOSURE_CONSUMER_GROUP: `matrix-exposure-${randomUUID().slice(0, 8)}` },
  },
  {
    name: 'notifier',
    config: ['config', 'loadNotifierConfig'],
    app: ['app', 'createNotifierApp'],
    env: {
      NOTIFIER_LOG_HMAC_KEY: Buffer.alloc(32, 3).toString('base64'),
      NOTIFIER_PUBLIC_URL: 'http://127.0.0.1:1',
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
      TWILIO_AUTH_TOKEN: 'matrix-auth-token',
      TWILIO_FROM: '+15005550006',
      TWILIO_API_BASE_URL: 'http://127.0.0.1:1',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '1',
    },
  },
  {
    name: 'fraud-guard',
    config: ['config', 'loadFraudGuardConfig'],
    app: ['app', 'createFraudGuardApp'],
    env: {
      FRAUD_ACTIVATION_CODE_KEY: Buffer.alloc(32, 5).toString('base64'),
      MONITORING_PARTNER_URL: 'http://127.0.0.1:1',
      // The matrix calls the self-service routes more often than a person may; throttling has its own spec.
      FRAUD_HOLDER_PROOF_PER_CLIENT: '1000',
      FRAUD_HOLDER_PROOF_PER_ENROLLMENT: '1000',
    },
  },
  {
    name: 'care-api',
    config: ['config', 'loadCareConfig'],
    app: ['app', 'createCareApp'],
    // The owners' lookups are never reached: the matrix's bodies and ids stop every call before them.
    env: { CARE_CONSUMER_GROUP: `matrix-care-${randomUUID().slice(0, 8)}`, CARE_WEB_PORT: '0' },
  },
  {
    name: 'regulator-api',
    config: ['config', 'loadRegulatorApiConfig'],
    app: ['app', 'createRegulatorApiApp'],
    // Neither the portal nor the log listens: the matrix is about who gets in, not what the log answers.
    env: {
      REGULATOR_SIGNING_JWK: JSON.stringify({
        ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }),
        kid: 'matrix',
      }),
      REGULATOR_PORTAL_URL: 'http://127.0.0.1:1/',
      TLOG_URL: 'http://127.0.0.1:1/',
      TLOG_CLIENT_SECRET: 'bnp-regulator-api-local-secret',
      REGULATOR_CLOCK_INTERVAL_MS: '600000',
      REGULATOR_SUBMIT_POLL_MS: '60000',
    },
  },
  {
    name: 'transparency-log',
    config: ['config', 'loadTransparencyLogConfig'],
    app: ['app', 'createTransparencyLogApp'],
    env: {
      TLOG_SIGNING_KEY: matrixLogKey(),
      TLOG_PSEUDONYM_KEY: Buffer.alloc(32, 11).toString('base64'),
      TLOG_CONSUMER_GROUP: `matrix-tlog-${randomUUID().slice(0, 8)}`,
    },
  },
];

/** A signer key for the matrix's log, named as TLOG_ORIGIN's default. */
function matrixLogKey(): string {
  return signerKey(ed25519FromSeed('bnp.local/transparency-log', Buffer.alloc(32, 13)));
}

export interface RunningService {
  name: string;
  app: INestApplication;
}

function load<T>(service: string, [file, exported]: [string, string]): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(join(ROOT, 'services', service, 'src', file)) as Record<string, unknown>;
  return module[exported] as T;
}

/** The exposure gate's clock (services/exposure/src/gate/gate-clock.ts), to age a sign-in without waiting. */
export function exposureGateClock(): { now(): Date } {
  return load('exposure', ['gate/gate-clock', 'gateClock']);
}

export async function startServices(): Promise<RunningService[]> {
  const running: RunningService[] = [];
  for (const service of SERVICES) {
    const loadConfig = load<(env: NodeJS.ProcessEnv) => unknown>(service.name, service.config);
    const create = load<(config: unknown, logger: unknown) => Promise<{ app: INestApplication } | INestApplication>>(
      service.name,
      service.app,
    );
    const config = loadConfig(testEnv(service.env));
    // Most factories return { app, ... }; regulator-api's returns the application itself.
    const created = await create(config, createLogger(service.name, 'silent'));
    const app = 'app' in created ? created.app : created;
    await app.init();
    running.push({ name: service.name, app });
  }
  return running;
}

export interface RouteOfApp {
  method: string;
  path: string;
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the app's router serves, read from the router itself. */
export function routesOf(app: INestApplication): RouteOfApp[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .map((method) => ({ method: method.toUpperCase(), path: layer.route!.path }))
      : [],
  );
}
