import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A fraud-monitoring enrollment as one exposure's EnrollmentCreated gives it, kept whether it arrives
 * before or after the notice it answers. One row per exposure: a widening revision reissues a code for
 * the same enrollment, and its notice must carry that new code.
 */
@Entity({ name: 'enrollments' })
@Index('IX_enrollments_incident_person', ['incidentId', 'personId'])
@Index('IX_enrollments_enrollment', ['enrollmentId'])
export class EnrollmentEntity {
  @PrimaryColumn({ name: 'exposure_idempotency_key', type: 'text', primaryKeyConstraintName: 'PK_enrollments' })
  exposureIdempotencyKey!: string;

  @Column({ name: 'enrollment_id', type: 'text' })
  enrollmentId!: string;

  @Column({ name: 'incident_id', type: 'text' })
  incidentId!: string;

  @Column({ name: 'person_id', type: 'text' })
  personId!: string;

  /** Re-sealed under the notifier's own aad (enrollment:<id>/activation-code). */
  @Column({ name: 'activation_code_ciphertext', type: 'bytea' })
  activationCodeCiphertext!: Buffer;

  @Column({ name: 'enroll_by', type: 'timestamptz', nullable: true })
  enrollBy!: Date | null;

  @Column({ name: 'monitoring_months', type: 'int' })
  monitoringMonths!: number;

  @Column({ name: 'actions', type: 'int', array: true })
  actions!: number[];

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
