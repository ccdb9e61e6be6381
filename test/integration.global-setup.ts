// Runs once before the integration and end-to-end specs: a fresh test database with every service's
// migrations applied, and empty Kafka topics. The broker and PostgreSQL are started by scripts/test.sh.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { TEST_DATABASE_URL } from '../libs/testing/src/test-env';
import { migrateAll } from '../scripts/migrate';

export default async function globalSetup(): Promise<void> {
  const url = new URL(TEST_DATABASE_URL);
  const database = url.pathname.slice(1);
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  await migrateAll(TEST_DATABASE_URL, () => undefined);
  // BNP_TEST_RESET_TOPICS=0 keeps existing topics (for running one suite while another uses the broker).
  const reset = process.env.BNP_TEST_RESET_TOPICS !== '0' ? ['--reset'] : [];
  execFileSync(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, '..', 'scripts', 'kafka-topics.ts'), ...reset],
    {
      stdio: 'inherit',
    },
  );
  // A fresh broker creates __consumer_offsets at the first group request and elects and loads its 50
  // partitions while that first suite runs (CI's runs failed only there, with a fresh broker). One
  // group joined and committed here leaves the coordinator ready before any suite starts; in a process
  // of its own, so no consumer kafkajs restarts can outlive it (see test/warm-up-group.ts).
  execFileSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'warm-up-group.ts')], {
    stdio: 'inherit',
  });
}
