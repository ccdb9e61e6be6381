import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The shared send budget of one sender (From number or Messaging Service), as a virtual clock: the
 * moment the sender is free again. Every instance reserves segments with one UPDATE ... RETURNING.
 */
@Entity({ name: 'send_budget' })
export class SendBudgetEntity {
  @PrimaryColumn({ name: 'sender', type: 'text', primaryKeyConstraintName: 'PK_send_budget' })
  sender!: string;

  @Column({ name: 'free_at', type: 'timestamptz', default: () => 'now()' })
  freeAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
