// Applies every service's pending migrations to DATABASE_URL (default: the local `bnp` database).
// Each service owns one PostgreSQL schema and lists its DataSource here.
import 'reflect-metadata';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';

const SERVICES: { service: string; schema: string }[] = [
  { service: 'breach-intake', schema: 'intake' },
  { service: 'exposure', schema: 'exposure' },
  { service: 'fraud-guard', schema: 'fraud' },
  { service: 'notifier', schema: 'notify' },
  { service: 'transparency-log', schema: 'tlog' },
  { service: 'regulator-api', schema: 'regulator' },
  { service: 'care-api', schema: 'care' },
];

export async function migrateAll(url: string, log: (line: string) => void = console.log): Promise<void> {
  for (const { service, schema } of SERVICES) {
    // Loaded by path: scripts sit outside the module graph and must not import service internals statically.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(join(__dirname, '..', 'services', service, 'src', 'data-source.ts')) as {
      default: DataSource;
    };
    const dataSource = module.default;
    dataSource.setOptions({ url });
    await dataSource.initialize();
    try {
      await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      log(`[bnp] ${service}: ${applied.length ? applied.map((m) => m.name).join(', ') : 'schema up to date'}`);
    } finally {
      await dataSource.destroy();
    }
  }
}

if (require.main === module) {
  migrateAll(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp').catch((error: unknown) => {
    console.error('[bnp] migration failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
