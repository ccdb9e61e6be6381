import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A hash tile (C2SP tlog-tiles, height 8): up to 256 consecutive 32-byte hashes at tree level 8 * level.
 * The rightmost tile of a level grows as entries arrive; a trigger lets an update only extend it, and
 * never touch a full (8,192-byte) tile.
 */
@Entity({ name: 'tiles' })
export class TileEntity {
  @PrimaryColumn({ name: 'level', type: 'smallint', primaryKeyConstraintName: 'PK_tiles' })
  level!: number;

  @PrimaryColumn({ name: 'idx', type: 'bigint', primaryKeyConstraintName: 'PK_tiles' })
  idx!: string;

  @Column({ name: 'hashes', type: 'bytea' })
  hashes!: Buffer;
}
