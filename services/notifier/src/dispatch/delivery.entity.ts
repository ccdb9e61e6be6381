import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { NoticeEntity } from '../notice/notice.entity';
import type { DeliveryChannel, DeliveryState } from './delivery-state';

/** One notice to one recipient on one channel: the unit that is sent, tracked and reconciled. */
@Entity({ name: 'deliveries' })
@Unique('UQ_deliveries_notice_channel_recipient', ['noticeId', 'channel', 'recipientKey'])
@Index('IX_deliveries_claim', ['channel', 'priority', 'createdAt'], { where: `"state" IN ('queued', 'unknown')` })
@Index('IX_deliveries_lease', ['leaseUntil'], { where: `"state" = 'sending'` })
@Index('IX_deliveries_status_poll', ['lastStatusAt'], { where: `"state" IN ('accepted', 'sent')` })
@Index('IX_deliveries_provider_ref', ['providerRef'])
@Index('IX_deliveries_incident_state', ['incidentId', 'state'])
export class DeliveryEntity {
  @PrimaryColumn({ name: 'delivery_id', type: 'uuid', primaryKeyConstraintName: 'PK_deliveries' })
  deliveryId!: string;

  @Column({ name: 'notice_id', type: 'uuid' })
  noticeId!: string;

  @ManyToOne(() => NoticeEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'notice_id', referencedColumnName: 'noticeId', foreignKeyConstraintName: 'FK_deliveries_notice' })
  notice?: NoticeEntity;

  @Column({ name: 'incident_id', type: 'text' })
  incidentId!: string;

  @Column({ name: 'person_id', type: 'text' })
  personId!: string;

  @Column({ name: 'channel', type: 'text' })
  channel!: DeliveryChannel;

  /** Keyed hash of the normalized address: one delivery per number even if it is listed twice. */
  @Column({ name: 'recipient_key', type: 'text' })
  recipientKey!: string;

  /** Re-sealed under aad delivery:<id>; opened only in memory while sending. */
  @Column({ name: 'recipient_ciphertext', type: 'bytea' })
  recipientCiphertext!: Buffer;

  @Column({ name: 'recipient_masked', type: 'text' })
  recipientMasked!: string;

  @Column({ name: 'subscriber_id', type: 'text', nullable: true })
  subscriberId!: string | null;

  /** 1 = CRITICAL ... 4 = LOW: claims take the smallest first. */
  @Column({ name: 'priority', type: 'smallint' })
  priority!: number;

  @Column({ name: 'state', type: 'text' })
  state!: DeliveryState;

  @Column({ name: 'provider_status', type: 'text', nullable: true })
  providerStatus!: string | null;

  @Column({ name: 'not_before', type: 'timestamptz', default: () => 'now()' })
  notBefore!: Date;

  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  /** The claim that holds the delivery: a send, and the answer it gets, count only under it (ADR 0011). */
  @Column({ name: 'lease_id', type: 'uuid', nullable: true })
  leaseId!: string | null;

  /** An unknown outcome's first search of the provider's list that found nothing. */
  @Column({ name: 'absent_since', type: 'timestamptz', nullable: true })
  absentSince!: Date | null;

  @Column({ name: 'attempts', type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'first_attempt_at', type: 'timestamptz', nullable: true })
  firstAttemptAt!: Date | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  /** Twilio message SID or SMTP Message-ID. */
  @Column({ name: 'provider_ref', type: 'text', nullable: true })
  providerRef!: string | null;

  /** Text in the SMS body that finds this delivery's message in the provider's list (the reference code). */
  @Column({ name: 'marker', type: 'text' })
  marker!: string;

  @Column({ name: 'segments', type: 'int', nullable: true })
  segments!: number | null;

  @Column({ name: 'template_id', type: 'text', nullable: true })
  templateId!: string | null;

  @Column({ name: 'template_version', type: 'text', nullable: true })
  templateVersion!: string | null;

  @Column({ name: 'content_hmac', type: 'text', nullable: true })
  contentHmac!: string | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_detail', type: 'text', nullable: true })
  errorDetail!: string | null;

  /** The SMS delivery whose failure caused this fallback email. */
  @Column({ name: 'fallback_of', type: 'uuid', nullable: true })
  fallbackOf!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ name: 'last_status_at', type: 'timestamptz', nullable: true })
  lastStatusAt!: Date | null;

  @Column({ name: 'final_at', type: 'timestamptz', nullable: true })
  finalAt!: Date | null;
}
