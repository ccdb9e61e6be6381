import { Column, Entity, PrimaryColumn } from 'typeorm';

export type VersionedKind = 'subscriber' | 'person' | 'holding' | 'asset';

/**
 * The last inventory change applied to a subscriber, person, holding or asset: a change applies only if it is newer
 * (occurred_at, then event_id), so a redelivered or overtaken change writes nothing. Kept after a holding is removed,
 * so an older upsert cannot bring it back. Bulk imports do not write versions (a file has no occurred_at).
 */
@Entity({ name: 'inventory_versions' })
export class InventoryVersionEntity {
  @PrimaryColumn({ name: 'kind', type: 'text', primaryKeyConstraintName: 'PK_inventory_versions' })
  kind!: VersionedKind;

  /** Subscriber id; hex CNIC blind index for a person; `asset_id|subscriber_id` for a holding; asset id. */
  @PrimaryColumn({ name: 'entity_id', type: 'text', primaryKeyConstraintName: 'PK_inventory_versions' })
  entityId!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
