import type { ClientBase } from 'pg';
import type { RejectEntry } from './reject-report';
import { RejectCode } from './row-validation';

const FIELD_OF_CODE: Partial<Record<RejectCode, string>> = {
  [RejectCode.NumberInUse]: 'msisdn',
  [RejectCode.UnknownAsset]: 'asset_id',
  [RejectCode.UnknownSubscriber]: 'subscriber_id',
};

/**
 * Rows the set-based checks marked in a staging table, in line order. `keySql` is the SQL expression of the row's
 * key (ids only, never personal data); `keyField` names the key column(s) for duplicate-key rejects.
 */
export async function readStagedRejects(
  db: ClientBase,
  table: string,
  keySql: string,
  keyField = keySql,
): Promise<RejectEntry[]> {
  const { rows } = await db.query<{ line: number; key: string; code: RejectCode; reason: string }>(
    `SELECT line, ${keySql} AS key, reject_code AS code, reject_reason AS reason
     FROM ${table} WHERE reject_code IS NOT NULL ORDER BY line`,
  );
  return rows.map((row) => ({
    line: row.line,
    key: row.key,
    problems: [{ field: FIELD_OF_CODE[row.code] ?? keyField, code: row.code, message: row.reason }],
  }));
}
