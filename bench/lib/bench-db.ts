import { Client } from 'pg';
import { migrateAll } from '@bnp/scripts/migrate';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  db: Client;
  /** True when `keep` found the database of an earlier run: its generated data is still there. */
  reused: boolean;
  /** Drops the database, or with `keep` leaves it for the next run. */
  drop: () => Promise<void>;
}

/**
 * A fresh database with every service's migrations, dropped again by `drop()`. With `keep`, an existing
 * database of that name is reused (migrated to the current schema) and kept afterwards, so a 10M-subscriber
 * operator is generated once, not every run; the caller clears what earlier runs computed.
 */
export async function freshBenchDatabase(name: string, keep = false): Promise<BenchDatabase> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  const reused = keep && exists;
  if (!reused) {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  }
  await admin.end();
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  await migrateAll(url, () => undefined);
  const db = new Client({ connectionString: url });
  await db.connect();
  return {
    url,
    db,
    reused,
    drop: async () => {
      await db.end().catch(() => undefined);
      if (keep) return;
      const end = new Client({ connectionString: ADMIN_URL });
      await end.connect();
      await end.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await end.end();
    },
  };
}

/**
 * Waits until the relay has had every event of a revision acknowledged, one row read per poll (counting
 * a revision's millions of events each poll took CPU the relay then lacked). Returns the revision's event
 * count and when the broker acknowledged the last one.
 */
export async function waitUntilFannedOut(
  db: Client,
  incidentId: string,
  revision = 1,
): Promise<{ events: number; lastAck: number }> {
  for (;;) {
    const { rows } = await db.query<{ events: number; published: number; fanned_out_at: Date | null }>(
      `SELECT events, published_events AS published, fanned_out_at FROM exposure.revisions
       WHERE incident_id = $1 AND revision = $2`,
      [incidentId, revision],
    );
    const row = rows[0];
    if (row?.fanned_out_at) {
      if (row.published !== row.events) throw new Error(`${row.published} of ${row.events} events published`);
      return { events: row.events, lastAck: row.fanned_out_at.getTime() };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
