import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** notice: the breach notice; protection: the details owed after it; activation: a one-time code the person asked for. */
export type NoticeKind = 'notice' | 'protection' | 'activation';
/** awaiting_enrollment: held for the fraud enrollment; ready: its deliveries may go; the rest never send. */
export type NoticeState = 'awaiting_enrollment' | 'ready' | 'dry_run' | 'superseded' | 'not_needed';
/** reached: some channel got it to the person; unreachable: every channel failed (counted for substitute notice). */
export type NoticeOutcome = 'pending' | 'reached' | 'unreachable' | 'none';

/** One notice to one person for one incident revision (or the protection details owed after one). */
@Entity({ name: 'notices' })
@Unique('UQ_notices_idempotency_key', ['idempotencyKey'])
// One notice per revision and kind; a person may ask for several one-time codes within one revision.
@Index('UQ_notices_incident_person_revision_kind', ['incidentId', 'personId', 'revision', 'kind'], {
  unique: true,
  where: `"kind" <> 'activation'`,
})
@Index('IX_notices_incident_person', ['incidentId', 'personId'])
@Index('IX_notices_reference_code', ['referenceCode'])
@Index('IX_notices_enrollment_deadline', ['enrollmentDeadline'], { where: `"state" = 'awaiting_enrollment'` })
@Index('IX_notices_awaiting_incident', ['incidentId', 'tier'], { where: `"state" = 'awaiting_enrollment'` })
export class NoticeEntity {
  @PrimaryColumn({ name: 'notice_id', type: 'uuid', primaryKeyConstraintName: 'PK_notices' })
  noticeId!: string;

  @Column({ name: 'kind', type: 'text' })
  kind!: NoticeKind;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ name: 'exposure_id', type: 'text' })
  exposureId!: string;

  @Column({ name: 'incident_id', type: 'text' })
  incidentId!: string;

  @Column({ name: 'person_id', type: 'text' })
  personId!: string;

  @Column({ name: 'revision', type: 'int' })
  revision!: number;

  @Column({ name: 'change', type: 'text' })
  change!: 'new' | 'widened' | 'retracted';

  @Column({ name: 'tier', type: 'smallint' })
  tier!: number;

  @Column({ name: 'language', type: 'text' })
  language!: 'ur' | 'en';

  @Column({ name: 'categories', type: 'int', array: true })
  categories!: number[];

  @Column({ name: 'new_categories', type: 'int', array: true })
  newCategories!: number[];

  @Column({ name: 'actions', type: 'int', array: true })
  actions!: number[];

  @Column({ name: 'channels', type: 'int', array: true })
  channels!: number[];

  @Column({ name: 'attack_vectors', type: 'int', array: true })
  attackVectors!: number[];

  @Column({ name: 'msisdns_masked', type: 'text', array: true })
  msisdnsMasked!: string[];

  /** Re-sealed under the notifier's own aad (notice:<id>/email); needed for a fallback email. */
  @Column({ name: 'email_ciphertext', type: 'bytea', nullable: true })
  emailCiphertext!: Buffer | null;

  @Column({ name: 'email_masked', type: 'text', nullable: true })
  emailMasked!: string | null;

  @Column({ name: 'detected_at', type: 'timestamptz', nullable: true })
  detectedAt!: Date | null;

  @Column({ name: 'occurred_to', type: 'timestamptz', nullable: true })
  occurredTo!: Date | null;

  @Column({ name: 'jurisdiction', type: 'text' })
  jurisdiction!: string;

  @Column({ name: 'policy_version', type: 'text' })
  policyVersion!: string;

  @Column({ name: 'policy_rule', type: 'text' })
  policyRule!: string;

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun!: boolean;

  @Column({ name: 'notice_already_sent', type: 'boolean' })
  noticeAlreadySent!: boolean;

  @Column({ name: 'reference_code', type: 'text' })
  referenceCode!: string;

  @Column({ name: 'state', type: 'text' })
  state!: NoticeState;

  @Column({ name: 'outcome', type: 'text' })
  outcome!: NoticeOutcome;

  @Column({ name: 'needs_enrollment', type: 'boolean' })
  needsEnrollment!: boolean;

  @Column({ name: 'enrollment_deadline', type: 'timestamptz', nullable: true })
  enrollmentDeadline!: Date | null;

  @Column({ name: 'enrollment_id', type: 'text', nullable: true })
  enrollmentId!: string | null;

  @Column({ name: 'enrollment_timed_out', type: 'boolean', default: false })
  enrollmentTimedOut!: boolean;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;

  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt!: Date | null;

  @Column({ name: 'source_partition', type: 'int', nullable: true })
  sourcePartition!: number | null;

  @Column({ name: 'source_offset', type: 'text', nullable: true })
  sourceOffset!: string | null;
}
