import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A provider status callback as received (signature checked), before it is applied to its delivery.
 * The HTTP answer waits only for this row's commit; a worker applies pending rows in batches (ADR 0019).
 * One row per (delivery, message, status): a replayed callback finds its row and changes nothing.
 */
@Entity({ name: 'provider_callbacks' })
@Unique('UQ_provider_callbacks_report', ['deliveryId', 'sid', 'status'])
@Index('IDX_provider_callbacks_pending', ['callbackId'], { where: '"applied_at" IS NULL' })
export class ProviderCallbackEntity {
  @PrimaryGeneratedColumn('identity', {
    name: 'callback_id',
    type: 'bigint',
    primaryKeyConstraintName: 'PK_provider_callbacks',
  })
  callbackId!: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @Column({ name: 'sid', type: 'text' })
  sid!: string;

  /** Twilio's MessageStatus as posted (sent, delivered, undelivered, failed, ...). */
  @Column({ name: 'status', type: 'text' })
  status!: string;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  /** Set in the transaction that applied the callback to its delivery; null while pending. */
  @Column({ name: 'applied_at', type: 'timestamptz', nullable: true })
  appliedAt!: Date | null;
}
