import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The log's one counter: how many entries it holds. Appends lock this row, number their entries from
 * it and raise it in the same transaction, so indexes are gapless (a database sequence is not: a
 * rolled-back transaction burns its numbers). A trigger refuses to lower it.
 */
@Entity({ name: 'log_state' })
@Check('CK_log_state_single_row', '"id" = 1')
export class LogStateEntity {
  @PrimaryColumn({ name: 'id', type: 'smallint', primaryKeyConstraintName: 'PK_log_state' })
  id!: number;

  @Column({ name: 'tree_size', type: 'bigint' })
  treeSize!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
