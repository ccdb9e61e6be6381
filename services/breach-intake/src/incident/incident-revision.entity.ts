import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import type { NormalizedAsset, SourceFormat } from './reported-revision';

export type RevisionStatus = 'APPLIED' | 'STALE';

/**
 * Every revision ever received for an incident, applied or not: the history a regulator can ask for.
 * `STALE` marks a revision that arrived after a newer one and so changed nothing.
 */
@Entity({ name: 'incident_revisions' })
@Unique('UQ_incident_revisions_incident_revision', ['incidentId', 'revision'])
@Unique('UQ_incident_revisions_event_id', ['eventId'])
@Index('IDX_incident_revisions_received_at', ['receivedAt'])
export class IncidentRevisionEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'PK_incident_revisions' })
  id!: string;

  @Column({ name: 'incident_id', type: 'text' })
  incidentId!: string;

  @Column({ name: 'revision', type: 'int' })
  revision!: number;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'content_sha256', type: 'text' })
  contentSha256!: string;

  @Column({ name: 'status', type: 'text' })
  status!: RevisionStatus;

  @Column({ name: 'reported_at', type: 'timestamptz' })
  reportedAt!: Date;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt!: Date;

  @Column({ name: 'occurred_from', type: 'timestamptz', nullable: true })
  occurredFrom!: Date | null;

  @Column({ name: 'occurred_to', type: 'timestamptz' })
  occurredTo!: Date;

  @Column({ name: 'attack_vectors', type: 'int', array: true })
  attackVectors!: number[];

  @Column({ name: 'severity', type: 'int' })
  severity!: number;

  @Column({ name: 'summary', type: 'text' })
  summary!: string;

  @Column({ name: 'jurisdiction', type: 'text' })
  jurisdiction!: string;

  @Column({ name: 'assets', type: 'jsonb' })
  assets!: NormalizedAsset[];

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun!: boolean;

  @Column({ name: 'reporter', type: 'text' })
  reporter!: string;

  @Column({ name: 'source_format', type: 'text' })
  sourceFormat!: SourceFormat;

  @Column({ name: 'source_partition', type: 'int' })
  sourcePartition!: number;

  @Column({ name: 'source_offset', type: 'bigint' })
  sourceOffset!: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
