import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The pg Pool behind a TypeORM DataSource, for streaming, COPY and LISTEN, which TypeORM does not wrap. */
export function pgPoolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}

/**
 * Runs `work` on one pooled client inside a transaction, for code below TypeORM (COPY, driver-level
 * rows). `settings` (SET LOCAL statements) run with the BEGIN and end with the transaction. A client
 * that cannot roll back is closed, not returned to the pool.
 */
export async function inPgTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  settings?: string,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(settings ? `BEGIN; ${settings}` : 'BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}
