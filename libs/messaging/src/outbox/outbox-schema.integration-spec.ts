import { Client } from 'pg';
import { TEST_DATABASE_URL } from '@bnp/testing';

/**
 * Every service's outbox, after all migrations (the global setup ran them), has what the relay reads:
 * a relay querying a column its service's migrations never added publishes nothing, silently, as
 * care-api's and the transparency log's did before their OutboxPoisonRows migrations.
 */
describe("every service's outbox after its migrations", () => {
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
  });

  it('has the poison-row columns and a parked table (ADR 0015)', async () => {
    const { rows } = await db.query<{ schema: string; columns: string[]; parked: boolean }>(
      `SELECT t.table_schema AS schema,
              array_agg(c.column_name::text ORDER BY c.column_name) AS columns,
              EXISTS (SELECT 1 FROM information_schema.tables p
                      WHERE p.table_schema = t.table_schema AND p.table_name = 'outbox_parked') AS parked
       FROM information_schema.tables t
       JOIN information_schema.columns c ON c.table_schema = t.table_schema AND c.table_name = t.table_name
       WHERE t.table_name = 'outbox'
       GROUP BY t.table_schema ORDER BY t.table_schema`,
    );
    // Every service that publishes through an outbox (all of them but none, today).
    expect(rows.map((row) => row.schema)).toEqual(expect.arrayContaining(['care', 'exposure', 'notify', 'tlog']));
    const missing = rows
      .filter(
        (row) => !['attempts', 'next_attempt_at', 'last_error'].every((c) => row.columns.includes(c)) || !row.parked,
      )
      .map((row) => row.schema);
    expect(missing).toEqual([]);
  });
});
