import type { Pool } from 'pg';

export interface ParkedOutboxRow {
  id: string;
  topic: string;
  attempts: number;
  reason: string;
  parkedAt: Date;
  bytes: number;
}

/**
 * What an operator does with a service's parked outbox rows (`npm run dlt -- outbox ...`): list them with their
 * reasons, and re-drive them once the cause is fixed (the topic created, the producer limit raised). A re-driven
 * row goes back to the outbox with its id and a fresh attempt count, so the relay publishes it on its next pass.
 */
export class OutboxParking {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async list(): Promise<ParkedOutboxRow[]> {
    const { rows } = await this.pool.query<ParkedOutboxRow>(
      `SELECT "id", "topic", "attempts", "reason", "parked_at" AS "parkedAt", octet_length("payload") AS "bytes"
       FROM "${this.schema}"."outbox_parked" ORDER BY "id"`,
    );
    return rows;
  }

  /** Moves parked rows (all, or those with the given ids or topic) back to the outbox; returns how many. */
  async redrive(filter: { ids?: string[]; topic?: string } = {}): Promise<number> {
    const { rowCount } = await this.pool.query(
      `WITH moved AS (
         DELETE FROM "${this.schema}"."outbox_parked"
         WHERE ($1::bigint[] IS NULL OR "id" = ANY($1::bigint[])) AND ($2::text IS NULL OR "topic" = $2)
         RETURNING "id", "topic", "message_key", "payload", "headers", "created_at")
       INSERT INTO "${this.schema}"."outbox" ("id", "topic", "message_key", "payload", "headers", "created_at")
       SELECT "id", "topic", "message_key", "payload", "headers", "created_at" FROM moved`,
      [filter.ids ?? null, filter.topic ?? null],
    );
    return rowCount ?? 0;
  }
}
