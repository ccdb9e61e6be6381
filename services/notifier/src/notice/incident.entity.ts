import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What the notifier knows of an incident: the pause switch and when its last notice arrived. */
@Entity({ name: 'incidents' })
export class IncidentEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'text', primaryKeyConstraintName: 'PK_incidents' })
  incidentId!: string;

  @Column({ name: 'paused', type: 'boolean', default: false })
  paused!: boolean;

  /** decided_at of the control that set `paused`; an older control arriving late changes nothing. */
  @Column({ name: 'control_decided_at', type: 'timestamptz', nullable: true })
  controlDecidedAt!: Date | null;

  @Column({ name: 'last_control_id', type: 'text', nullable: true })
  lastControlId!: string | null;

  @Column({ name: 'released_revision', type: 'int', nullable: true })
  releasedRevision!: number | null;

  /** Updated at most once a second; LOW and MEDIUM wait until it is a settle window old. */
  @Column({ name: 'last_notice_at', type: 'timestamptz', default: () => 'now()' })
  lastNoticeAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
