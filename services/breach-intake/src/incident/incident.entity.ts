import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One breach incident as it currently stands: the newest revision applied. */
@Entity({ name: 'incidents' })
export class IncidentEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'text', primaryKeyConstraintName: 'PK_incidents' })
  incidentId!: string;

  @Column({ name: 'current_revision', type: 'int' })
  currentRevision!: number;

  @Column({ name: 'current_revision_id', type: 'uuid' })
  currentRevisionId!: string;

  @Column({ name: 'jurisdiction', type: 'text' })
  jurisdiction!: string;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
