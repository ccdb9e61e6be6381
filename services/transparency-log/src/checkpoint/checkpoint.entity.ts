import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Every checkpoint the log signed, with the witness's cosignatures when it gave them. Append-only. */
@Entity({ name: 'checkpoints' })
export class CheckpointEntity {
  @PrimaryColumn({ name: 'tree_size', type: 'bigint', primaryKeyConstraintName: 'PK_checkpoints' })
  treeSize!: string;

  @Column({ name: 'root_hash', type: 'bytea' })
  rootHash!: Buffer;

  /** The signed note (C2SP tlog-checkpoint), log signature and any cosignatures. */
  @Column({ name: 'note', type: 'text' })
  note!: string;

  @Column({ name: 'cosigned', type: 'boolean' })
  cosigned!: boolean;

  @Column({ name: 'signed_at', type: 'timestamptz', default: () => 'now()' })
  signedAt!: Date;
}
