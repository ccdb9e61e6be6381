import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** A fraud-monitoring enrollment, kept whether it arrives before or after the notice it answers. */
@Entity({ name: 'enrollments' })
@Unique('UQ_enrollments_exposure_idempotency_key', ['exposureIdempotencyKey'])
@Index('IX_enrollments_incident_person', ['incidentId', 'personId'])
export class EnrollmentEntity {
  @PrimaryColumn({ name: 'enrollment_id', type: 'text', primaryKeyConstraintName: 'PK_enrollments' })
  enrollmentId!: string;

  @Column({ name: 'exposure_idempotency_key', type: 'text' })
  exposureIdempotencyKey!: string;

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
