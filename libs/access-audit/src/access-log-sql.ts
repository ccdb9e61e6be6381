/**
 * DDL for a service's append-only access log: who reached which door, about which ids, why, and what
 * was answered. UPDATE, DELETE and TRUNCATE are refused by triggers (and revoked), as for notify.notification_log.
 * Used from each service's migration.
 */
export function createAccessLogTableSql(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."access_log" (
      "id" uuid NOT NULL,
      "occurred_at" timestamptz NOT NULL DEFAULT now(),
      "subject" text NOT NULL,
      "actor_kind" text NOT NULL,
      "roles" text[] NOT NULL,
      "route" text NOT NULL,
      "target_ids" jsonb NOT NULL,
      "reason" text,
      "outcome" text NOT NULL,
      "status" integer NOT NULL,
      CONSTRAINT "PK_${schema}_access_log" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_${schema}_access_log_outcome" CHECK ("outcome" IN ('ALLOWED', 'DENIED', 'FAILED')),
      CONSTRAINT "CHK_${schema}_access_log_actor_kind" CHECK ("actor_kind" IN ('TOKEN', 'HOLDER'))
    )`,
    `CREATE INDEX "IX_${schema}_access_log_subject_time" ON "${schema}"."access_log" ("subject", "occurred_at")`,
    `CREATE FUNCTION "${schema}"."access_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION '${schema}.access_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$`,
    `CREATE TRIGGER "TR_${schema}_access_log_no_update_delete" BEFORE UPDATE OR DELETE ON "${schema}"."access_log"
     FOR EACH ROW EXECUTE FUNCTION "${schema}"."access_log_append_only"()`,
    `CREATE TRIGGER "TR_${schema}_access_log_no_truncate" BEFORE TRUNCATE ON "${schema}"."access_log"
     FOR EACH STATEMENT EXECUTE FUNCTION "${schema}"."access_log_append_only"()`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON "${schema}"."access_log" FROM PUBLIC`,
  ];
}

export function dropAccessLogTableSql(schema: string): string[] {
  return [
    `DROP TRIGGER IF EXISTS "TR_${schema}_access_log_no_truncate" ON "${schema}"."access_log"`,
    `DROP TRIGGER IF EXISTS "TR_${schema}_access_log_no_update_delete" ON "${schema}"."access_log"`,
    `DROP FUNCTION IF EXISTS "${schema}"."access_log_append_only"()`,
    `DROP TABLE IF EXISTS "${schema}"."access_log"`,
  ];
}
