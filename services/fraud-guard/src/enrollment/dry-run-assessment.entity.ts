import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a dry-run exposure would have done: recorded, never acted on (no code, no command, no event). */
@Entity({ name: 'dry_run_assessments' })
export class DryRunAssessmentEntity {
  @PrimaryColumn({ name: 'exposure_idempotency_key', type: 'text', primaryKeyConstraintName: 'PK_dry_run_assessments' })
  exposureIdempotencyKey!: string;

  @Column({ name: 'incident_id', type: 'text' })
  incidentId!: string;

  @Column({ name: 'person_id', type: 'text' })
  personId!: string;

  @Column({ name: 'revision', type: 'int' })
  revision!: number;

  @Column({ name: 'tier', type: 'int' })
  tier!: number;

  @Column({ name: 'actions', type: 'int', array: true })
  actions!: number[];

  /** How many protection commands a real run would have written. */
  @Column({ name: 'would_protect_subscriptions', type: 'int' })
  wouldProtectSubscriptions!: number;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
