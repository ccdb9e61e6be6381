import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The exposure.v1 events a revision produces, written in the same transaction as the exposures: this
 * table is the outbox for the fan-out (the relay builds the protobuf from it and the directory). A
 * revision's events never change once committed, so the relay's progress is one cursor on the
 * revision row (`fanout_cursor`), not a stamp per event; a held revision's events wait for the gate.
 * Rows stay as the record of what was announced. What every event of a revision shares (policy version,
 * dry run) is on the revision row. The primary key is the one index: the relay's read order. A revision
 * has one event per person by construction (see LeanerExposureWrites1796250600000).
 */
@Entity({ name: 'exposure_events' })
export class ExposureEventEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'text', primaryKeyConstraintName: 'PK_exposure_events' })
  incidentId!: string;

  @PrimaryColumn({ name: 'revision', type: 'int', primaryKeyConstraintName: 'PK_exposure_events' })
  revision!: number;

  @PrimaryGeneratedColumn('identity', { name: 'id', type: 'bigint', primaryKeyConstraintName: 'PK_exposure_events' })
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ name: 'exposure_id', type: 'uuid' })
  exposureId!: string;

  /** exposure.v1.ExposureChange */
  @Column({ name: 'change', type: 'smallint' })
  change!: number;

  @Column({ name: 'categories', type: 'int' })
  categories!: number;

  @Column({ name: 'new_categories', type: 'int' })
  newCategories!: number;

  @Column({ name: 'tier', type: 'smallint' })
  tier!: number;

  @Column({ name: 'policy_rule', type: 'text' })
  policyRule!: string;

  @Column({ name: 'subscriber_ids', type: 'text', array: true })
  subscriberIds!: string[];

  @Column({ name: 'notice_already_sent', type: 'boolean', default: false })
  noticeAlreadySent!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
