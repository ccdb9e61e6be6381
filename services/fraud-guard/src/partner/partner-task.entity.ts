import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

export type PartnerOperation = 'ENROLL' | 'CANCEL';
export type PartnerTaskStatus = 'PENDING' | 'DONE' | 'SKIPPED' | 'FAILED';

/**
 * Work for the monitoring partner, queued in the transaction that decided it and done later by a
 * worker, so a partner outage never holds up an enrollment, its commands or its notice.
 * One task per enrollment and operation; its idempotency key is sent on every try.
 */
@Entity({ name: 'partner_tasks' })
@Unique('UQ_partner_tasks_enrollment_operation', ['enrollmentId', 'operation'])
@Index('IDX_partner_tasks_due', ['nextAttemptAt'], { where: `"status" = 'PENDING'` })
export class PartnerTaskEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'PK_partner_tasks' })
  id!: string;

  @Column({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  @Column({ name: 'operation', type: 'text' })
  operation!: PartnerOperation;

  @Column({ name: 'status', type: 'text' })
  status!: PartnerTaskStatus;

  @Column({ name: 'attempts', type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** The partner's id for the enrollment, once known. */
  @Column({ name: 'partner_ref', type: 'text', nullable: true })
  partnerRef!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
