import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { inPgTransaction, pgPoolOf } from '@bnp/persistence';
import { AccountStatus } from '../directory/directory.enums';
import { AssetImport } from '../import/asset-import';
import { HoldingImport } from '../import/holding-import';
import type { ChunkResult } from '../import/import-pipeline';
import { DIRECTORY_IMPORT_LOCK } from '../import/import.service';
import { mergeRows } from '../import/merge-rows';
import type { AssetRow, HoldingRow, SubscriberRow } from '../import/row-validation';
import { SubscriberImport } from '../import/subscriber-import';
import type { ChangeVersion } from './inventory-change';
import { InventoryRowCipher } from './inventory-row-cipher';
import type { VersionedKind } from './inventory-version.entity';
import { TABLES } from '../schema';

/** `claimed`: the change is the newest for what it names; otherwise the stored one is this change or a newer one. */
export type VersionClaim = 'claimed' | 'duplicate' | 'stale';

export type CloseOutcome = 'closed' | 'already-former' | 'unknown';

const FORMER = AccountStatus.Former;

/**
 * The directory and inventory as inventory changes write them: one transaction per change on one pooled connection,
 * through the CSV import's handlers (encryption, blind indexes, checks and merge SQL) so both paths write alike.
 */
@Injectable()
export class InventoryRepository {
  private readonly subscribers: SubscriberImport;
  private readonly holdings = new HoldingImport();
  private readonly assets = new AssetImport();

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: InventoryRowCipher,
  ) {
    this.subscribers = new SubscriberImport(cipher);
  }

  inTransaction<T>(work: (tx: InventoryTransaction) => Promise<T>): Promise<T> {
    return inPgTransaction(pgPoolOf(this.dataSource), (client) =>
      work(new InventoryTransaction(client, this.cipher, this.subscribers, this.holdings, this.assets)),
    );
  }
}

export class InventoryTransaction {
  constructor(
    private readonly db: PoolClient,
    private readonly cipher: InventoryRowCipher,
    private readonly subscribers: SubscriberImport,
    private readonly holdings: HoldingImport,
    private readonly assets: AssetImport,
  ) {}

  /** False while a bulk import holds the directory lock (taken shared here, so changes do not wait on each other). */
  async holdOffImport(): Promise<boolean> {
    const { rows } = await this.db.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock_shared(hashtext($1)) AS locked',
      [DIRECTORY_IMPORT_LOCK],
    );
    return rows[0]?.locked === true;
  }

  /**
   * Records `version` as the last change of the entity if it is newer than the stored one, and locks the entity's
   * version row until commit: concurrent deliveries of changes to one entity apply one after the other.
   * Event ids compare byte-wise, so equal times order the same way on every database.
   */
  async claim(kind: VersionedKind, entityId: string, version: ChangeVersion): Promise<VersionClaim> {
    const claimed = await this.db.query(
      `INSERT INTO ${TABLES.inventory_versions} AS v (kind, entity_id, occurred_at, event_id)
       VALUES ($1, $2, $3::timestamptz, $4)
       ON CONFLICT (kind, entity_id) DO UPDATE
         SET occurred_at = excluded.occurred_at, event_id = excluded.event_id, updated_at = now()
       WHERE (v.occurred_at, v.event_id COLLATE "C") < (excluded.occurred_at, excluded.event_id COLLATE "C")
       RETURNING 1`,
      [kind, entityId, version.occurredAt, version.eventId],
    );
    if ((claimed.rowCount ?? 0) > 0) return 'claimed';
    const { rows } = await this.db.query<{ same: boolean }>(
      `SELECT (event_id = $3 AND occurred_at = $4::timestamptz) AS same
       FROM ${TABLES.inventory_versions} WHERE kind = $1 AND entity_id = $2`,
      [kind, entityId, version.eventId, version.occurredAt],
    );
    return rows[0]?.same ? 'duplicate' : 'stale';
  }

  /** A person's version is keyed by the CNIC's blind index: its name, email and language come from any of its SIMs. */
  claimPerson(cnic: string, version: ChangeVersion): Promise<VersionClaim> {
    return this.claim('person', this.cipher.indexHex('cnic', cnic), version);
  }

  /** `keepPerson`: write the subscription but leave an existing person's name, email and language as stored. */
  upsertSubscriber(row: SubscriberRow, keepPerson: boolean): Promise<ChunkResult> {
    return mergeRows(
      this.db,
      this.subscribers,
      [{ line: 1, key: row.subscriberId, row }],
      keepPerson ? (db) => this.subscribers.keepStoredPersons(db) : undefined,
    );
  }

  /** The subscription leaves the current-holder index; its number and records stay (former holders were exposed too). */
  async closeSubscriber(subscriberId: string): Promise<CloseOutcome> {
    const { rows } = await this.db.query<{ status: number }>(
      `WITH target AS (SELECT subscriber_id, account_status FROM ${TABLES.subscribers} WHERE subscriber_id = $1 FOR UPDATE),
       closed AS (
         UPDATE ${TABLES.subscribers} d SET account_status = ${FORMER}, updated_at = now()
         FROM target c WHERE d.subscriber_id = c.subscriber_id AND c.account_status <> ${FORMER}
         RETURNING 1
       )
       SELECT account_status AS status FROM target`,
      [subscriberId],
    );
    const status = rows[0]?.status;
    if (status === undefined) return 'unknown';
    return status === Number(FORMER) ? 'already-former' : 'closed';
  }

  upsertHolding(row: HoldingRow): Promise<ChunkResult> {
    return mergeRows(this.db, this.holdings, [{ line: 1, key: `${row.assetId}/${row.subscriberId}`, row }]);
  }

  async removeHolding(assetId: string, subscriberId: string): Promise<boolean> {
    const deleted = await this.db.query(`DELETE FROM ${TABLES.holdings} WHERE asset_id = $1 AND subscriber_id = $2`, [
      assetId,
      subscriberId,
    ]);
    return (deleted.rowCount ?? 0) > 0;
  }

  upsertAsset(row: AssetRow): Promise<ChunkResult> {
    return mergeRows(this.db, this.assets, [{ line: 1, key: row.assetId, row }]);
  }
}
