/**
 * DDL for a service's transactional outbox. Rows are written in the same transaction as the state
 * change they announce and deleted once the broker acknowledged them, so the table only ever holds
 * what is still to be published. Used from each service's migration.
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
