/**
 * DDL for a new service's transactional outbox, as the relay reads it today: the table, its wake-up
 * trigger, and the poison-row columns and parked table (ADR 0015). Use this in a new service's first
 * migration; createOutboxTableSql alone is the first version, kept for the migrations that already ran.
 */
export function createOutboxSql(schema: string): string[] {
  return [...createOutboxTableSql(schema), ...addOutboxPoisonRowsSql(schema)];
}

/**
 * DDL for a service's transactional outbox (first version: without the poison-row columns, which
 * addOutboxPoisonRowsSql adds). Rows are written in the same transaction as the state change they
 * announce and deleted once the broker acknowledged them, so the table only ever holds what is still
 * to be published.
 */
export function createOutboxTableSql(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."outbox" (
      "id" bigserial NOT NULL,
      "topic" text NOT NULL,
      "message_key" text NOT NULL,
      "payload" bytea NOT NULL,
      "headers" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_${schema}_outbox" PRIMARY KEY ("id")
    )`,
    // One notification per inserting statement wakes the relay; polling is only the fallback.
    `CREATE FUNCTION "${schema}"."outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM pg_notify('${outboxChannel(schema)}', ''); RETURN NULL; END $$`,
    `CREATE TRIGGER "TR_${schema}_outbox_notify" AFTER INSERT ON "${schema}"."outbox"
     FOR EACH STATEMENT EXECUTE FUNCTION "${schema}"."outbox_notify"()`,
  ];
}

export function dropOutboxTableSql(schema: string): string[] {
  return [
    `DROP TRIGGER IF EXISTS "TR_${schema}_outbox_notify" ON "${schema}"."outbox"`,
    `DROP FUNCTION IF EXISTS "${schema}"."outbox_notify"()`,
    `DROP TABLE IF EXISTS "${schema}"."outbox"`,
  ];
}

export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * Poison rows (ADR 0015): a row the broker refuses (oversize, unknown topic) is retried with a doubling delay
 * (`attempts`, `next_attempt_at`, `last_error`) while the rows behind it flow, then moved to `outbox_parked`
 * with its reason, where an operator inspects it and re-drives it (`npm run dlt -- outbox ...`).
 */
export function addOutboxPoisonRowsSql(schema: string): string[] {
  return [
    `ALTER TABLE "${schema}"."outbox"
       ADD COLUMN "attempts" integer NOT NULL DEFAULT 0,
       ADD COLUMN "next_attempt_at" timestamptz NULL,
       ADD COLUMN "last_error" text NULL`,
    `CREATE TABLE "${schema}"."outbox_parked" (
      "id" bigint NOT NULL,
      "topic" text NOT NULL,
      "message_key" text NOT NULL,
      "payload" bytea NOT NULL,
      "headers" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL,
      "attempts" integer NOT NULL,
      "reason" text NOT NULL,
      "parked_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_${schema}_outbox_parked" PRIMARY KEY ("id")
    )`,
  ];
}

export function dropOutboxPoisonRowsSql(schema: string): string[] {
  return [
    // Parked rows go back to the outbox rather than being lost with the table.
    `INSERT INTO "${schema}"."outbox" ("id", "topic", "message_key", "payload", "headers", "created_at")
     SELECT "id", "topic", "message_key", "payload", "headers", "created_at" FROM "${schema}"."outbox_parked"
     ON CONFLICT DO NOTHING`,
    `DROP TABLE "${schema}"."outbox_parked"`,
    `ALTER TABLE "${schema}"."outbox" DROP COLUMN "attempts", DROP COLUMN "next_attempt_at", DROP COLUMN "last_error"`,
  ];
}
