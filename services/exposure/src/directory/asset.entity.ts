import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An entry of the operator's data inventory: a system or table and the kinds of PII it holds. */
@Entity({ name: 'assets' })
export class AssetEntity {
  @PrimaryColumn({ name: 'asset_id', type: 'text', primaryKeyConstraintName: 'PK_assets' })
  assetId!: string;

  @Column({ name: 'owning_system', type: 'text' })
  owningSystem!: string;

  /** Bitmask of breach.v1.PiiCategory values (bit n = category n), see policy/categories.ts. */
  @Column({ name: 'categories', type: 'int' })
  categories!: number;

  @Column({ name: 'description', type: 'text', default: '' })
  description!: string;
}
