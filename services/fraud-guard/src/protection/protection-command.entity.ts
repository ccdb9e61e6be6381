import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** HELD: decided while its incident was paused, not sent yet; it becomes SENT when the incident resumes. */
export type CommandStatus = 'HELD' | 'SENT' | 'APPLIED' | 'ALREADY_APPLIED' | 'REJECTED';

/**
 * One command to the operator's systems for one of the person's numbers. Re-sent with the same id
 * (attempt + 1) until an acknowledgement arrives; a revision that adds actions writes a new command
 * with only the new actions.
 */
@Entity({ name: 'protection_commands' })
@Unique('UQ_protection_commands_enrollment_subscriber_revision', ['enrollmentId', 'subscriberId', 'exposureRevision'])
@Index('IDX_protection_commands_due', ['nextSendAt'], { where: `"status" = 'SENT'` })
@Index('IDX_protection_commands_enrollment', ['enrollmentId'])
@Index('IDX_protection_commands_held', ['incidentId', 'exposureRevision', 'issuedAt'], { where: `"status" = 'HELD'` })
export class ProtectionCommandEntity {
  @PrimaryColumn({ name: 'command_id', type: 'uuid', primaryKeyConstraintName: 'PK_protection_commands' })
  commandId!: string;

  @Column({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  @Column({ name: 'incident_id', type: 'text' })
  incidentId!: string;

  @Column({ name: 'person_id', type: 'text' })
  personId!: string;

  @Column({ name: 'subscriber_id', type: 'text' })
  subscriberId!: string;

  @Column({ name: 'exposure_revision', type: 'int' })
  exposureRevision!: number;

  @Column({ name: 'actions', type: 'int', array: true })
  actions!: number[];

  @Column({ name: 'msisdn_ciphertext', type: 'bytea' })
  msisdnCiphertext!: Buffer;

  @Column({ name: 'msisdn_masked', type: 'text' })
  msisdnMasked!: string;

  @Column({ name: 'status', type: 'text' })
  status!: CommandStatus;

  /** 1 for the first send, n for the n-th. */
  @Column({ name: 'attempt', type: 'int' })
  attempt!: number;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  /** Null while HELD. */
  @Column({ name: 'last_sent_at', type: 'timestamptz', nullable: true })
  lastSentAt!: Date | null;

  /** When to re-send if still unacknowledged; null while HELD and once acknowledged. */
  @Column({ name: 'next_send_at', type: 'timestamptz', nullable: true })
  nextSendAt!: Date | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'ack_detail', type: 'text', nullable: true })
  ackDetail!: string | null;
}
