import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * One activation code, as a keyed hash, minted for one exposure of an enrolled person: every notice
 * that offers protection carries a code, and any of a person's codes activates their enrollment.
 * The code itself left only inside that exposure's EnrollmentCreated, encrypted.
 */
@Entity({ name: 'activation_codes' })
@Unique('UQ_activation_codes_exposure_idempotency_key', ['exposureIdempotencyKey'])
@Index('IDX_activation_codes_enrollment', ['enrollmentId'])
export class ActivationCodeEntity {
  /** Hex HMAC-SHA256 of the code's body under FRAUD_ACTIVATION_CODE_KEY. */
  @PrimaryColumn({ name: 'code_hash', type: 'text', primaryKeyConstraintName: 'PK_activation_codes' })
  codeHash!: string;

  @Column({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  @Column({ name: 'exposure_idempotency_key', type: 'text' })
  exposureIdempotencyKey!: string;

  @Column({ name: 'revision', type: 'int' })
  revision!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
