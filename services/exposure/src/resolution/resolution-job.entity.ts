import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ResolutionJobStatus = 'PENDING' | 'RUNNING' | 'DONE' | 'FAILED';

/**
 * A revision waiting to be resolved. The Kafka handler only records the job and returns (resolving
 * tens of millions of subscribers takes longer than a consumer session may go without a heartbeat);
 * the resolution worker runs it under a lease, so a crashed worker's job is picked up again.
 */
@Entity({ name: 'resolution_jobs' })
@Index('IDX_resolution_jobs_runnable', ['createdAt'], { where: `"status" IN ('PENDING', 'RUNNING')` })
export class ResolutionJobEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'text', primaryKeyConstraintName: 'PK_resolution_jobs' })
  incidentId!: string;

  @PrimaryColumn({ name: 'revision', type: 'int', primaryKeyConstraintName: 'PK_resolution_jobs' })
  revision!: number;

  /** The incident.v1.IncidentRevisionAccepted message as received. */
  @Column({ name: 'payload', type: 'bytea' })
  payload!: Buffer;

  @Column({ name: 'status', type: 'text' })
  status!: ResolutionJobStatus;

  @Column({ name: 'attempts', type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
