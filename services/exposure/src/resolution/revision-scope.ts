import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ListKind, type IncidentRevisionAccepted, type ScopedAsset } from '@bnp/contracts';
import { categoryMask } from '../policy/categories';
import { TABLES } from '../schema';

/** Collects positional parameters while building a statement. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * SQL that selects (subscriber_id, categories) for every record a revision's compromised assets cover.
 * Semantics (see docs/exposure.md, "Exposure semantics"): a holding counts when its records started on or before
 * the end of the breach and it matches the asset's scope; the categories are the asset's categories
 * that were taken (all of them when the event lists none).
 */
export function exposedRecordsSql(revision: IncidentRevisionAccepted, params: SqlParams): string {
  if (!revision.occurredTo) throw new Error('revision has no occurred_to');
  const occurredTo = params.add(timestampDate(revision.occurredTo));
  const parts = revision.assets.map((asset) => assetSql(asset, occurredTo, params));
  return parts.join('\nUNION ALL\n');
}

function assetSql(asset: ScopedAsset, occurredTo: string, params: SqlParams): string {
  const taken = asset.categories.length > 0 ? String(categoryMask(asset.categories)) : 'a."categories"';
  const where = [`h."asset_id" = ${params.add(asset.assetId)}`, `h."records_from" <= ${occurredTo}`];
  const scope = asset.scope;
  switch (scope.case) {
    case undefined:
      throw new Error(`asset ${asset.assetId} has no scope`);
    case 'all':
      break;
    case 'regions':
      where.push(`h."region" = ANY(${params.add(scope.value.regions)}::smallint[])`);
      break;
    case 'timeWindow': {
      const from = scope.value.from ? timestampDate(scope.value.from) : new Date(0);
      const to = scope.value.to ? timestampDate(scope.value.to) : new Date('9999-12-31');
      where.push(
        `h."records_from" <= ${params.add(to)}`,
        `coalesce(h."records_to", 'infinity') >= ${params.add(from)}`,
      );
      break;
    }
    case 'subscriberIds':
      where.push(`h."subscriber_id" = ANY(${params.add(scope.value.values)}::text[])`);
      break;
    case 'msisdnBlindIndexes':
      // Every subscription that ever had one of these numbers: former holders' records were taken too.
      where.push(
        `h."subscriber_id" IN (SELECT s."subscriber_id" FROM ${TABLES.subscribers} s WHERE s."msisdn_bidx" = ANY(${params.add(
          scope.value.values.map((bytes) => Buffer.from(bytes)),
        )}::bytea[]))`,
      );
      break;
    case 'listRef': {
      const listId = params.add(scope.value.listId);
      where.push(
        scope.value.kind === ListKind.MSISDNS
          ? `h."subscriber_id" IN (SELECT s."subscriber_id" FROM ${TABLES.scope_list_entries} e
               JOIN ${TABLES.subscribers} s ON s."msisdn_bidx" = decode(e."value", 'hex') WHERE e."list_id" = ${listId})`
          : `h."subscriber_id" IN (SELECT e."value" FROM ${TABLES.scope_list_entries} e WHERE e."list_id" = ${listId})`,
      );
      break;
    }
  }
  return `SELECT h."subscriber_id", (a."categories" & ${taken}) AS "categories"
    FROM ${TABLES.holdings} h JOIN ${TABLES.assets} a ON a."asset_id" = h."asset_id"
    WHERE ${where.join(' AND ')}`;
}
