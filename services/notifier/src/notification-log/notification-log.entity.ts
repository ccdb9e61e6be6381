import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * The append-only notification log (notification.log.v1), the base of the regulator's log. Each
 * entry_id appears once; a trigger refuses UPDATE, DELETE and TRUNCATE.
 */
@Entity({ name: 'notification_log' })
@Unique('UQ_notification_log_entry_id', ['entryId'])
@Index('IX_notification_log_incident_person', ['incidentId', 'personId'])
@Index('IX_notification_log_subject', ['subjectId'])
export class NotificationLogEntity {
  @PrimaryGeneratedColumn('identity', { name: 'seq', type: 'bigint', primaryKeyConstraintName: 'PK_notification_log' })
  seq!: string;

  @Column({ name: 'entry_id', type: 'uuid' })
  entryId!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;

  @Column({ name: 'source', type: 'text' })
  source!: string;

  @Column({ name: 'incident_id', type: 'text' })
  incidentId!: string;

  @Column({ name: 'revision', type: 'int' })
  revision!: number;

  @Column({ name: 'person_id', type: 'text' })
  personId!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ name: 'kind', type: 'text' })
  kind!: string;

  @Column({ name: 'channel', type: 'text' })
  channel!: string;

  @Column({ name: 'status', type: 'text' })
  status!: string;

  @Column({ name: 'template_id', type: 'text', nullable: true })
  templateId!: string | null;

  @Column({ name: 'template_version', type: 'text', nullable: true })
  templateVersion!: string | null;

  @Column({ name: 'content_hmac', type: 'text', nullable: true })
  contentHmac!: string | null;

  @Column({ name: 'provider_ref', type: 'text', nullable: true })
  providerRef!: string | null;

  @Column({ name: 'recipient_masked', type: 'text', nullable: true })
  recipientMasked!: string | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'detail', type: 'text', nullable: true })
  detail!: string | null;

  /** Kafka coordinates it was read from, for audit. */
  @Column({ name: 'source_partition', type: 'int' })
  sourcePartition!: number;

  @Column({ name: 'source_offset', type: 'text' })
  sourceOffset!: string;
}
