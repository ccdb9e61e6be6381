import { Client } from 'pg';
import { waitFor } from '@bnp/testing';
import { migrateAll } from '@bnp/scripts/migrate';
import { benchDatabaseUrl } from './bench-env';

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
export async function freshBenchDatabase(suffix: string, keep = false): Promise<BenchDatabase> {
  const { url, adminUrl: ADMIN_URL, name } = benchDatabaseUrl(suffix);
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  const reused = keep && exists;
  if (!reused) {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  }
  await admin.end();
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

export interface FanOutWait {
  revision?: number;
  timeoutMs: number;
  /** What else to report when the wait expires: consumer groups, a service's last log lines. */
  explain?: () => Promise<string>;
}

/**
 * Waits until the relay has had every event of a revision acknowledged, one row read per poll (counting
 * a revision's millions of events each poll took CPU the relay then lacked). Returns the revision's event
 * count and when the broker acknowledged the last one. Fails after `timeoutMs` with the revision's row
 * (or its absence), the resolution job, the outbox and whatever `explain` adds.
 */
export async function waitUntilFannedOut(
  db: Client,
  incidentId: string,
  { revision = 1, timeoutMs, explain }: FanOutWait,
): Promise<{ events: number; lastAck: number }> {
  const row = await waitFor(
    async () => {
      const { rows } = await db.query<{ events: number; published: number; fanned_out_at: Date | null }>(
        `SELECT events, published_events AS published, fanned_out_at FROM exposure.revisions
         WHERE incident_id = $1 AND revision = $2`,
        [incidentId, revision],
      );
      return rows[0]?.fanned_out_at ? { ...rows[0], fanned_out_at: rows[0].fanned_out_at } : undefined;
    },
    `revision ${revision} of ${incidentId} to be fanned out (every exposure.v1 event acknowledged)`,
    {
      timeoutMs,
      intervalMs: 200,
      explain: async () => {
        const seen = await pipelineState(db, incidentId, revision);
        return explain ? `${seen}; ${await explain().catch((error: unknown) => `(${String(error)})`)}` : seen;
      },
    },
  );
  if (row.published !== row.events) throw new Error(`${row.published} of ${row.events} events published`);
  return { events: row.events, lastAck: row.fanned_out_at.getTime() };
}

/** The revision's row, its resolution job and the outbox, as one line. */
async function pipelineState(db: Client, incidentId: string, revision: number): Promise<string> {
  const one = async (sql: string, params: unknown[]) => JSON.stringify((await db.query(sql, params)).rows[0] ?? null);
  const [row, jobs, outbox] = await Promise.all([
    one(
      `SELECT status, events, published_events, computed_at, fanned_out_at FROM exposure.revisions
       WHERE incident_id = $1 AND revision = $2`,
      [incidentId, revision],
    ),
    one(`SELECT status, attempts, last_error FROM exposure.resolution_jobs WHERE incident_id = $1 AND revision = $2`, [
      incidentId,
      revision,
    ]).catch((error: unknown) => `(unreadable: ${String(error)})`),
    one(`SELECT count(*)::int AS pending FROM exposure.outbox`, []).catch(
      (error: unknown) => `(outbox unreadable: ${String(error)})`,
    ),
  ]);
  return `revision row ${row}; resolution job ${jobs}; outbox ${outbox}`;
}
