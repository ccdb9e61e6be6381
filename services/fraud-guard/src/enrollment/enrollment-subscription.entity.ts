import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One SIM of an enrolled person, as the newest exposure described it. Only numbers the person still
 * holds carry a ciphertext and a blind index: activation compares blind indexes, never plain numbers.
 */
@Entity({ name: 'enrollment_subscriptions' })
export class EnrollmentSubscriptionEntity {
  @PrimaryColumn({ name: 'enrollment_id', type: 'uuid', primaryKeyConstraintName: 'PK_enrollment_subscriptions' })
  enrollmentId!: string;

  @PrimaryColumn({ name: 'subscriber_id', type: 'text', primaryKeyConstraintName: 'PK_enrollment_subscriptions' })
  subscriberId!: string;

  @Column({ name: 'still_held', type: 'boolean' })
  stillHeld!: boolean;

  @Column({ name: 'line_type', type: 'int' })
  lineType!: number;

  /** The exposure service's envelope (the directory's, no aad), kept as received. */
  @Column({ name: 'msisdn_ciphertext', type: 'bytea', nullable: true })
  msisdnCiphertext!: Buffer | null;

  @Column({ name: 'msisdn_masked', type: 'text' })
  msisdnMasked!: string;

  @Column({ name: 'msisdn_blind_index', type: 'text', nullable: true })
  msisdnBlindIndex!: string | null;

  @Column({ name: 'updated_revision', type: 'int' })
  updatedRevision!: number;
}
