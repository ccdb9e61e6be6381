import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The newest pause/resume decision fraud-guard has applied for an incident (ADR 0007, "Pause and
 * resume"). While `paused`, nothing of the incident leaves for the operator's systems or the partner.
 */
@Entity({ name: 'incident_controls' })
export class IncidentControlEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'text', primaryKeyConstraintName: 'PK_incident_controls' })
  incidentId!: string;

  @Column({ name: 'paused', type: 'boolean' })
  paused!: boolean;

  /** decided_at of the applied control: a control decided earlier, arriving late, changes nothing. */
  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt!: Date;

  @Column({ name: 'control_id', type: 'text' })
  controlId!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
