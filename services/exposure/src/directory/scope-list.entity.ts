import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A list of subscriber ids or MSISDN blind indexes too large for a Kafka message, imported beforehand. */
@Entity({ name: 'scope_lists' })
export class ScopeListEntity {
  @PrimaryColumn({ name: 'list_id', type: 'text', primaryKeyConstraintName: 'PK_scope_lists' })
  listId!: string;

  @Column({ name: 'sha256', type: 'text' })
  sha256!: string;

  /** breach.v1.ListKind */
  @Column({ name: 'kind', type: 'smallint' })
  kind!: number;

  @Column({ name: 'entries', type: 'int' })
  entries!: number;

  @Column({ name: 'imported_at', type: 'timestamptz', default: () => 'now()' })
  importedAt!: Date;
}

/** Subscriber ids as text; MSISDNs as hex blind indexes (never plain). */
@Entity({ name: 'scope_list_entries' })
export class ScopeListEntryEntity {
  @PrimaryColumn({ name: 'list_id', type: 'text', primaryKeyConstraintName: 'PK_scope_list_entries' })
  listId!: string;

  @PrimaryColumn({ name: 'value', type: 'text', primaryKeyConstraintName: 'PK_scope_list_entries' })
  value!: string;
}
