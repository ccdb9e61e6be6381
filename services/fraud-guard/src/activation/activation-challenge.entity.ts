import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A one-time code issued to one of the person's own numbers during activation. Only its keyed hash is
 * kept, to verify it; the code itself left in ActivationChallengeIssued, written in the same transaction.
 */
@Entity({ name: 'activation_challenges' })
@Index('IDX_activation_challenges_enrollment', ['enrollmentId', 'createdAt'])
export class ActivationChallengeEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'PK_activation_challenges' })
  id!: string;

  @Column({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  @Column({ name: 'subscriber_id', type: 'text' })
  subscriberId!: string;

  @Column({ name: 'msisdn_masked', type: 'text' })
  msisdnMasked!: string;

  @Column({ name: 'otp_hash', type: 'text' })
  otpHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
