import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

export type EnrollmentStatus = 'PENDING_ACTIVATION' | 'ACTIVE' | 'OPTED_OUT' | 'EXPIRED';

/**
 * A person's protection in one incident: created once, by the first exposure whose tier asks for
 * protection. Its activation codes are in activation_codes, as keyed hashes only.
 */
@Entity({ name: 'enrollments' })
@Unique('UQ_enrollments_incident_person', ['incidentId', 'personId'])
@Index('IDX_enrollments_status_enroll_by', ['status', 'enrollBy'])
@Index('IDX_enrollments_status_monitoring_ends_at', ['status', 'monitoringEndsAt'])
export class EnrollmentEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'PK_enrollments' })
  id!: string;

  @Column({ name: 'incident_id', type: 'text' })
  incidentId!: string;

  @Column({ name: 'person_id', type: 'text' })
  personId!: string;

  @Column({ name: 'exposure_id', type: 'text' })
  exposureId!: string;

  /** The PersonExposed that created the enrollment. */
  @Column({ name: 'exposure_idempotency_key', type: 'text' })
  exposureIdempotencyKey!: string;

  @Column({ name: 'created_revision', type: 'int' })
  createdRevision!: number;

  /** The newest revision that changed the enrollment (widened or narrowed it). */
  @Column({ name: 'last_revision', type: 'int' })
  lastRevision!: number;

  @Column({ name: 'tier', type: 'int' })
  tier!: number;

  @Column({ name: 'policy_version', type: 'text' })
  policyVersion!: string;

  @Column({ name: 'policy_rule', type: 'text' })
  policyRule!: string;

  /** Every protective action asked for so far (exposure.v1 ProtectiveAction values); never shrinks. */
  /** The person's language as their latest exposure gave it: the one-time code SMS is written in it. */
  @Column({ name: 'language', type: 'text', default: '' })
  language!: string;

  @Column({ name: 'actions', type: 'int', array: true })
  actions!: number[];

  @Column({ name: 'status', type: 'text' })
  status!: EnrollmentStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ name: 'monitoring_months', type: 'int' })
  monitoringMonths!: number;

  @Column({ name: 'monitoring_ends_at', type: 'timestamptz' })
  monitoringEndsAt!: Date;

  @Column({ name: 'enroll_by', type: 'timestamptz' })
  enrollBy!: Date;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;

  @Column({ name: 'opted_out_at', type: 'timestamptz', nullable: true })
  optedOutAt!: Date | null;

  @Column({ name: 'expired_at', type: 'timestamptz', nullable: true })
  expiredAt!: Date | null;

  /** Set when a later revision narrowed the person's exposure: the locks stay, the notice says so. */
  @Column({ name: 'retracted_revision', type: 'int', nullable: true })
  retractedRevision!: number | null;

  /** Failed activation attempts (wrong number, wrong one-time code) since the last success or lockout. */
  @Column({ name: 'failed_attempts', type: 'int', default: 0 })
  failedAttempts!: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
