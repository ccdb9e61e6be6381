import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { BinaryCopyEncoder, CopyColumn } from './binary-copy';

/**
 * A session-local (TEMP) table that one chunk of a file is copied into before it is checked and merged. TEMP tables
 * are not WAL-logged, vanish with the connection (a crashed import leaves nothing behind) and are invisible to other
 * sessions, so two imports cannot see each other's rows.
 */
export interface StagingTable {
  name: string;
  /** Filled by COPY, in this order. */
  copyColumns: readonly CopyColumn[];
  /** Extra SQL column definitions filled during the merge (e.g. `person_id uuid`). */
  workColumns?: readonly string[];
}

const SQL_TYPES: Record<CopyColumn['type'], string> = {
  int2: 'smallint',
  int4: 'integer',
  text: 'text',
  bytea: 'bytea',
  timestamptz: 'timestamptz',
};

export function qualified(table: StagingTable): string {
  return `pg_temp."${table.name}"`;
}

/** Every staging table has `line` (the row's first physical line) and the reject columns the checks fill in. */
export function createStagingTableSql(table: StagingTable): string {
  const columns = [
    ...table.copyColumns.map((column) => `"${column.name}" ${SQL_TYPES[column.type]}`),
    ...(table.workColumns ?? []),
    'reject_code text',
    'reject_reason text',
  ];
  return `CREATE TEMP TABLE IF NOT EXISTS "${table.name}" (${columns.join(', ')})`;
}

/** Streams encoded tuples into a staging table with `COPY ... FROM STDIN (FORMAT binary)`, respecting backpressure. */
export class StagingWriter {
  rows = 0;
  #stream: CopyStreamQuery | undefined;
  #error: Error | undefined;

  constructor(
    private readonly db: ClientBase,
    private readonly table: StagingTable,
  ) {}

  get open(): boolean {
    return this.#stream !== undefined;
  }

  async write(tuples: Buffer, rows: number): Promise<void> {
    if (this.#error) throw this.#error;
    if (!this.#stream) {
      const columns = this.table.copyColumns.map((column) => `"${column.name}"`).join(', ');
      this.#stream = this.db.query(copyFrom(`COPY ${qualified(this.table)} (${columns}) FROM STDIN (FORMAT binary)`));
      // Kept rather than thrown from an event: surfaced by the next write or by finish().
      this.#stream.on('error', (error) => (this.#error ??= error));
      this.#stream.write(BinaryCopyEncoder.header());
    }
    this.rows += rows;
    if (!this.#stream.write(tuples)) await once(this.#stream, 'drain');
  }

  /** Ends the COPY; resolves once PostgreSQL has every row. Returns the rows written since the last finish. */
  async finish(): Promise<number> {
    const stream = this.#stream;
    const rows = this.rows;
    this.#stream = undefined;
    this.rows = 0;
    if (!stream) return 0;
    stream.end(BinaryCopyEncoder.trailer());
    await finished(stream);
    if (this.#error) throw this.#error;
    return rows;
  }
}
