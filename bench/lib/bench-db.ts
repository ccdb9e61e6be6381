import { Client } from 'pg';
import { migrateAll } from '../../scripts/migrate';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh database with every service's migrations, dropped again by `drop()`. */
export async function freshBenchDatabase(
  name: string,
): Promise<{ url: string; db: Client; drop: () => Promise<void> }> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  await migrateAll(url, () => undefined);
  const db = new Client({ connectionString: url });
  await db.connect();
  return {
    url,
    db,
    drop: async () => {
      await db.end().catch(() => undefined);
      const end = new Client({ connectionString: ADMIN_URL });
      await end.connect();
      await end.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await end.end();
    },
  };
}
