import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RevisionStatus = 'HELD' | 'RELEASED' | 'DRY_RUN' | 'SUPERSEDED';

/** One computed revision of an incident: its status at the release gate and its summary. */
@Entity({ name: 'revisions' })
export class ExposureRevisionEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'text', primaryKeyConstraintName: 'PK_revisions' })
  incidentId!: string;

  @PrimaryColumn({ name: 'revision', type: 'int', primaryKeyConstraintName: 'PK_revisions' })
  revision!: number;

  @Column({ name: 'revision_id', type: 'uuid' })
  revisionId!: string;

  @Column({ name: 'status', type: 'text' })
  status!: RevisionStatus;

  /** Why the gate held it (people over the threshold, dry run); null when released on arrival. */
  @Column({ name: 'held_reason', type: 'text', nullable: true })
  heldReason!: string | null;

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun!: boolean;

  /** Who reported the breach; the gate counts people per reporter over a rolling window ('' when unknown). */
  @Column({ name: 'reporter', type: 'text', default: '' })
  reporter!: string;

  @Column({ name: 'people_affected', type: 'int' })
  peopleAffected!: number;

  /** exposure.v1 events this revision produces (new, widened, retracted). */
  @Column({ name: 'events', type: 'int' })
  events!: number;

  @Column({ name: 'policy_version', type: 'text' })
  policyVersion!: string;

  @Column({ name: 'jurisdiction', type: 'text' })
  jurisdiction!: string;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt!: Date;

  @Column({ name: 'occurred_to', type: 'timestamptz' })
  occurredTo!: Date;

  @Column({ name: 'attack_vectors', type: 'int', array: true })
  attackVectors!: number[];

  /** When the regulator must have been told, from the jurisdiction's deadline rule. */
  @Column({ name: 'regulator_deadline_at', type: 'timestamptz', nullable: true })
  regulatorDeadlineAt!: Date | null;

  @Column({ name: 'summary', type: 'jsonb' })
  summary!: object;

  @Column({ name: 'computed_at', type: 'timestamptz', default: () => 'now()' })
  computedAt!: Date;

  @Column({ name: 'compute_ms', type: 'int' })
  computeMs!: number;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;

  /** The fan-out's progress: the highest event id the broker acknowledged (events go out in id order). */
  @Column({ name: 'fanout_cursor', type: 'bigint', default: '0' })
  fanoutCursor!: string;

  @Column({ name: 'published_events', type: 'int', default: 0 })
  publishedEvents!: number;

  /** When the broker acknowledged the revision's last event; null until then. */
  @Column({ name: 'fanned_out_at', type: 'timestamptz', nullable: true })
  fannedOutAt!: Date | null;
}

/** One privacy officer's approval of a held revision (approver = OIDC subject); two different ones release it. */
@Entity({ name: 'release_approvals' })
export class ReleaseApprovalEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'text', primaryKeyConstraintName: 'PK_release_approvals' })
  incidentId!: string;

  @PrimaryColumn({ name: 'revision', type: 'int', primaryKeyConstraintName: 'PK_release_approvals' })
  revision!: number;

  @PrimaryColumn({ name: 'approver', type: 'text', primaryKeyConstraintName: 'PK_release_approvals' })
  approver!: string;

  @Column({ name: 'approved_at', type: 'timestamptz', default: () => 'now()' })
  approvedAt!: Date;

  /** The IdP's display name at the time, for people reading the record; decisions use the subject. */
  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  /** sha256 of the revision summary the approver was shown (revisionSummaryHash). */
  @Column({ name: 'summary_sha256', type: 'text' })
  summarySha256!: string;
}

/** Per incident: the newest computed revision and whether people-facing work is paused. */
@Entity({ name: 'incidents' })
export class ExposureIncidentEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'text', primaryKeyConstraintName: 'PK_exposure_incidents' })
  incidentId!: string;

  @Column({ name: 'current_revision', type: 'int' })
  currentRevision!: number;

  @Column({ name: 'paused', type: 'boolean', default: false })
  paused!: boolean;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
