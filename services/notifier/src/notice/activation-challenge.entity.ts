import { Check, Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, Unique } from 'typeorm';
import type { ChallengePurpose } from '../templates/template';
import { NoticeEntity } from './notice.entity';

/**
 * One one-time code to text: a fraud-watch activation code (fraud.challenges.v1) or a care code
 * (care.challenges.v1); the primary key makes a redelivered challenge a no-op. Its message is an
 * `activation` notice with one SMS delivery; the code waits here, re-sealed under the notifier's aad,
 * until it is sent or expires, and is then wiped.
 */
@Entity({ name: 'activation_challenges' })
@Check('CHK_activation_challenges_purpose', `"purpose" IN ('fraud-activation', 'care-verification')`)
@Unique('UQ_activation_challenges_notice', ['noticeId'])
@Index('IX_activation_challenges_expires_at', ['expiresAt'], { where: `"otp_ciphertext" IS NOT NULL` })
export class ActivationChallengeEntity {
  /** fraud-guard's challenge id, or care-api's verification id for a care code. */
  @PrimaryColumn({ name: 'challenge_id', type: 'uuid', primaryKeyConstraintName: 'PK_activation_challenges' })
  challengeId!: string;

  @Column({ name: 'notice_id', type: 'uuid' })
  noticeId!: string;

  @OneToOne(() => NoticeEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'notice_id',
    referencedColumnName: 'noticeId',
    foreignKeyConstraintName: 'FK_activation_challenges_notice',
  })
  notice?: NoticeEntity;

  /** Which template the code goes out in. */
  @Column({ name: 'purpose', type: 'text', default: 'fraud-activation' })
  purpose!: ChallengePurpose;

  /** The fraud-watch enrollment being activated; null for a care code, which verifies a caller. */
  @Column({ name: 'enrollment_id', type: 'text', nullable: true })
  enrollmentId!: string | null;

  /** Sealed under aad notify:challenge:<id>/otp; null once the message is settled or the code expired. */
  @Column({ name: 'otp_ciphertext', type: 'bytea', nullable: true })
  otpCiphertext!: Buffer | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
