import type { EntityManager, QueryResult } from 'typeorm';

/**
 * Runs SQL and returns its rows, for INSERT/UPDATE ... RETURNING as much as for SELECT (TypeORM's
 * `query` returns `[rows, count]` for UPDATE and bare rows otherwise).
 */
export async function queryRows<T>(manager: EntityManager, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = (await runner.query(sql, parameters, true)) as QueryResult<T>;
    return result.records;
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
