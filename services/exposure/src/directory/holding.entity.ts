import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Subscriber X has records in asset Y, of region R, covering [records_from, records_to]. */
@Entity({ name: 'holdings' })
@Index('IDX_holdings_subscriber_id', ['subscriberId'])
export class HoldingEntity {
  @PrimaryColumn({ name: 'asset_id', type: 'text', primaryKeyConstraintName: 'PK_holdings' })
  assetId!: string;

  @PrimaryColumn({ name: 'subscriber_id', type: 'text', primaryKeyConstraintName: 'PK_holdings' })
  subscriberId!: string;

  @Column({ name: 'region', type: 'smallint' })
  region!: number;

  @Column({ name: 'records_from', type: 'timestamptz' })
  recordsFrom!: Date;

  /** Null while records are still being written. */
  @Column({ name: 'records_to', type: 'timestamptz', nullable: true })
  recordsTo!: Date | null;
}
