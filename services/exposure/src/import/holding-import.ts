import type { ClientBase } from 'pg';
import { CopyValue } from './binary-copy';
import { ChunkResult, CsvImportHandler, Numbered } from './import-pipeline';
import {
  CsvHeader,
  HOLDING_COLUMNS,
  HoldingColumn,
  HoldingRow,
  RejectCode,
  RowResult,
  validateHoldingRow,
} from './row-validation';
import { readStagedRejects } from './staged-rejects';
import { qualified, StagingTable } from './staging';
import { TABLES } from '../schema';

const STAGING: StagingTable = {
  name: 'import_holdings',
  copyColumns: [
    { name: 'line', type: 'int4' },
    { name: 'asset_id', type: 'text' },
    { name: 'subscriber_id', type: 'text' },
    { name: 'region', type: 'int2' },
    { name: 'records_from', type: 'timestamptz' },
    { name: 'records_to', type: 'timestamptz' },
  ],
};

const T = qualified(STAGING);

/**
 * holdings.csv: which subscriber has records in which asset, over which period. Holdings reference assets and
 * subscribers, so import those first; a row naming either that the directory does not know is rejected.
 */
export class HoldingImport implements CsvImportHandler<HoldingColumn, HoldingRow> {
  readonly columns = HOLDING_COLUMNS;
  readonly staging = STAGING;
  // Its checks are a tiny anti-join and per-id probes, and the insert is a sequential scan: no plan to choose.
  readonly analyzeStaging = false;

  validate(fields: readonly string[], header: CsvHeader<HoldingColumn>): RowResult<HoldingRow> {
    return validateHoldingRow(fields, header);
  }

  toStaging(rows: readonly Numbered<HoldingRow>[]): CopyValue[][] {
    return rows.map(({ line, row }) => [
      line,
      row.assetId,
      row.subscriberId,
      row.region,
      row.recordsFrom,
      row.recordsTo,
    ]);
  }

  async mergeChunk(db: ClientBase): Promise<ChunkResult> {
    await db.query(
      `UPDATE ${T} s
       SET reject_code = '${RejectCode.UnknownAsset}',
           reject_reason = 'is not in the inventory (import assets.csv first)'
       WHERE s.reject_code IS NULL AND NOT EXISTS (SELECT 1 FROM ${TABLES.assets} a WHERE a.asset_id = s.asset_id)`,
    );
    // Each distinct subscriber id is one primary-key probe (a scalar subquery cannot become a hash join over the
    // whole directory), so this costs what the chunk holds, not what the directory holds.
    await db.query(
      `UPDATE ${T} s
       SET reject_code = '${RejectCode.UnknownSubscriber}',
           reject_reason = 'is not in the directory (import subscribers.csv first)'
       FROM (
         SELECT u.subscriber_id
         FROM (SELECT DISTINCT subscriber_id FROM ${T} WHERE reject_code IS NULL ORDER BY subscriber_id) u
         WHERE (SELECT true FROM ${TABLES.subscribers} d WHERE d.subscriber_id = u.subscriber_id) IS NULL
       ) unknown
       WHERE s.subscriber_id = unknown.subscriber_id AND s.reject_code IS NULL`,
    );
    const { rows } = await db.query<{ inserted: number; written: number; accepted: number }>(
      `WITH upserted AS (
         INSERT INTO ${TABLES.holdings} AS h (asset_id, subscriber_id, region, records_from, records_to)
         SELECT asset_id, subscriber_id, region, records_from, records_to FROM ${T} WHERE reject_code IS NULL
         ON CONFLICT (asset_id, subscriber_id) DO UPDATE SET
           region = excluded.region, records_from = excluded.records_from, records_to = excluded.records_to
         WHERE (h.region, h.records_from, h.records_to)
               IS DISTINCT FROM (excluded.region, excluded.records_from, excluded.records_to)
         RETURNING (xmax = 0) AS inserted
       )
       SELECT (SELECT count(*) FILTER (WHERE inserted) FROM upserted)::int AS inserted,
              (SELECT count(*) FROM upserted)::int AS written,
              (SELECT count(*) FROM ${T} WHERE reject_code IS NULL)::int AS accepted`,
    );
    const { inserted = 0, written = 0, accepted = 0 } = rows[0] ?? {};
    return {
      inserted,
      updated: written - inserted,
      unchanged: accepted - written,
      rejects: await readStagedRejects(db, T, `asset_id || '/' || subscriber_id`, 'asset_id|subscriber_id'),
    };
  }
}
