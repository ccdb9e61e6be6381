import type { ClientBase } from 'pg';
import { CopyValue } from './binary-copy';
import { ChunkResult, CsvImportHandler, Numbered } from './import-pipeline';
import { ASSET_COLUMNS, AssetColumn, AssetRow, CsvHeader, RowResult, validateAssetRow } from './row-validation';
import { readStagedRejects } from './staged-rejects';
import { qualified, StagingTable } from './staging';
import { TABLES } from '../schema';

const STAGING: StagingTable = {
  name: 'import_assets',
  copyColumns: [
    { name: 'line', type: 'int4' },
    { name: 'asset_id', type: 'text' },
    { name: 'owning_system', type: 'text' },
    { name: 'categories', type: 'int4' },
    { name: 'description', type: 'text' },
  ],
};

const T = qualified(STAGING);

/** assets.csv: the data inventory, one row per system or table, with the PII categories it holds. */
export class AssetImport implements CsvImportHandler<AssetColumn, AssetRow> {
  readonly columns = ASSET_COLUMNS;
  readonly staging = STAGING;

  validate(fields: readonly string[], header: CsvHeader<AssetColumn>): RowResult<AssetRow> {
    return validateAssetRow(fields, header);
  }

  toStaging(rows: readonly Numbered<AssetRow>[]): CopyValue[][] {
    return rows.map(({ line, row }) => [line, row.assetId, row.owningSystem, row.categories, row.description]);
  }

  async mergeChunk(db: ClientBase): Promise<ChunkResult> {
    const { rows } = await db.query<{ inserted: number; written: number; accepted: number }>(
      `WITH upserted AS (
         INSERT INTO ${TABLES.assets} AS a (asset_id, owning_system, categories, description)
         SELECT asset_id, owning_system, categories, description FROM ${T} WHERE reject_code IS NULL
         ON CONFLICT (asset_id) DO UPDATE SET
           owning_system = excluded.owning_system, categories = excluded.categories, description = excluded.description
         WHERE (a.owning_system, a.categories, a.description)
               IS DISTINCT FROM (excluded.owning_system, excluded.categories, excluded.description)
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
      rejects: await readStagedRejects(db, T, 'asset_id'),
    };
  }
}
