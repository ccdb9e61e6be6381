import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * One leaf of the log: its index, its canonical bytes (what is hashed and served in entry bundles),
 * and what the log looks entries up by. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE.
 */
@Entity({ name: 'entries' })
@Unique('UQ_entries_entry_id', ['entryId'])
@Index('IX_entries_incident', ['incidentId', 'idx'])
export class LogEntryEntity {
  @PrimaryColumn({ name: 'idx', type: 'bigint', primaryKeyConstraintName: 'PK_entries' })
  idx!: string;

  /** The producer's id of the entry (or one derived from it): an id already logged is not appended again. */
  @Column({ name: 'entry_id', type: 'text' })
  entryId!: string;

  @Column({ name: 'kind', type: 'text' })
  kind!: string;

  @Column({ name: 'incident_id', type: 'text' })
  incidentId!: string;

  /** The canonical entry (RFC 8785 JSON, UTF-8); its leaf hash is SHA-256(0x00 || data). */
  @Column({ name: 'data', type: 'bytea' })
  data!: Buffer;

  @Column({ name: 'logged_at', type: 'timestamptz', default: () => 'now()' })
  loggedAt!: Date;
}
