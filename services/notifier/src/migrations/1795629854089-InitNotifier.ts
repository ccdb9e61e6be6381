import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitNotifier1795629854089 implements MigrationInterface {
  name = 'InitNotifier1795629854089';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "notify"."notices" ("notice_id" uuid NOT NULL, "kind" text NOT NULL, "idempotency_key" text NOT NULL, "exposure_id" text NOT NULL, "incident_id" text NOT NULL, "person_id" text NOT NULL, "revision" integer NOT NULL, "change" text NOT NULL, "tier" smallint NOT NULL, "language" text NOT NULL, "categories" integer array NOT NULL, "new_categories" integer array NOT NULL, "actions" integer array NOT NULL, "channels" integer array NOT NULL, "attack_vectors" integer array NOT NULL, "msisdns_masked" text array NOT NULL, "email_ciphertext" bytea, "email_masked" text, "detected_at" TIMESTAMP WITH TIME ZONE, "occurred_to" TIMESTAMP WITH TIME ZONE, "jurisdiction" text NOT NULL, "policy_version" text NOT NULL, "policy_rule" text NOT NULL, "dry_run" boolean NOT NULL, "notice_already_sent" boolean NOT NULL, "reference_code" text NOT NULL, "state" text NOT NULL, "outcome" text NOT NULL, "needs_enrollment" boolean NOT NULL, "enrollment_deadline" TIMESTAMP WITH TIME ZONE, "enrollment_id" text, "enrollment_timed_out" boolean NOT NULL DEFAULT false, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "released_at" TIMESTAMP WITH TIME ZONE, "settled_at" TIMESTAMP WITH TIME ZONE, "source_partition" integer, "source_offset" text, CONSTRAINT "UQ_notices_incident_person_revision_kind" UNIQUE ("incident_id", "person_id", "revision", "kind"), CONSTRAINT "UQ_notices_idempotency_key" UNIQUE ("idempotency_key"), CONSTRAINT "PK_notices" PRIMARY KEY ("notice_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_notices_enrollment_deadline" ON "notify"."notices"  ("enrollment_deadline") WHERE "state" = 'awaiting_enrollment'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_notices_awaiting_incident" ON "notify"."notices"  ("incident_id", "tier") WHERE "state" = 'awaiting_enrollment'`,
    );
    await queryRunner.query(`CREATE INDEX "IX_notices_reference_code" ON "notify"."notices"  ("reference_code") `);
    await queryRunner.query(
      `CREATE INDEX "IX_notices_incident_person" ON "notify"."notices"  ("incident_id", "person_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "notify"."deliveries" ("delivery_id" uuid NOT NULL, "notice_id" uuid NOT NULL, "incident_id" text NOT NULL, "person_id" text NOT NULL, "channel" text NOT NULL, "recipient_key" text NOT NULL, "recipient_ciphertext" bytea NOT NULL, "recipient_masked" text NOT NULL, "subscriber_id" text, "priority" smallint NOT NULL, "state" text NOT NULL, "provider_status" text, "not_before" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lease_owner" text, "lease_until" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "first_attempt_at" TIMESTAMP WITH TIME ZONE, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "provider_ref" text, "marker" text NOT NULL, "segments" integer, "template_id" text, "template_version" text, "content_hmac" text, "error_code" text, "error_detail" text, "fallback_of" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "accepted_at" TIMESTAMP WITH TIME ZONE, "last_status_at" TIMESTAMP WITH TIME ZONE, "final_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_deliveries_notice_channel_recipient" UNIQUE ("notice_id", "channel", "recipient_key"), CONSTRAINT "PK_deliveries" PRIMARY KEY ("delivery_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_deliveries_incident_state" ON "notify"."deliveries"  ("incident_id", "state") `,
    );
    await queryRunner.query(`CREATE INDEX "IX_deliveries_provider_ref" ON "notify"."deliveries"  ("provider_ref") `);
    await queryRunner.query(
      `CREATE INDEX "IX_deliveries_status_poll" ON "notify"."deliveries"  ("last_status_at") WHERE "state" IN ('accepted', 'sent')`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_deliveries_lease" ON "notify"."deliveries"  ("lease_until") WHERE "state" = 'sending'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_deliveries_claim" ON "notify"."deliveries"  ("channel", "priority", "created_at") WHERE "state" IN ('queued', 'unknown')`,
    );
    await queryRunner.query(
      `CREATE TABLE "notify"."send_budget" ("sender" text NOT NULL, "free_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_send_budget" PRIMARY KEY ("sender"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "notify"."enrollments" ("enrollment_id" text NOT NULL, "exposure_idempotency_key" text NOT NULL, "incident_id" text NOT NULL, "person_id" text NOT NULL, "activation_code_ciphertext" bytea NOT NULL, "enroll_by" TIMESTAMP WITH TIME ZONE, "monitoring_months" integer NOT NULL, "actions" integer array NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_enrollments_exposure_idempotency_key" UNIQUE ("exposure_idempotency_key"), CONSTRAINT "PK_enrollments" PRIMARY KEY ("enrollment_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_enrollments_incident_person" ON "notify"."enrollments"  ("incident_id", "person_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "notify"."incidents" ("incident_id" text NOT NULL, "paused" boolean NOT NULL DEFAULT false, "control_decided_at" TIMESTAMP WITH TIME ZONE, "last_control_id" text, "released_revision" integer, "last_notice_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_incidents" PRIMARY KEY ("incident_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "notify"."notification_log" ("seq" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, "entry_id" uuid NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "source" text NOT NULL, "incident_id" text NOT NULL, "revision" integer NOT NULL, "person_id" text NOT NULL, "subject_id" text NOT NULL, "kind" text NOT NULL, "channel" text NOT NULL, "status" text NOT NULL, "template_id" text, "template_version" text, "content_hmac" text, "provider_ref" text, "recipient_masked" text, "error_code" text, "detail" text, "source_partition" integer NOT NULL, "source_offset" text NOT NULL, CONSTRAINT "UQ_notification_log_entry_id" UNIQUE ("entry_id"), CONSTRAINT "PK_notification_log" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_notification_log_subject" ON "notify"."notification_log"  ("subject_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_notification_log_incident_person" ON "notify"."notification_log"  ("incident_id", "person_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "notify"."deliveries" ADD CONSTRAINT "FK_deliveries_notice" FOREIGN KEY ("notice_id") REFERENCES "notify"."notices"("notice_id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Added by hand: the outbox, as libs/messaging's createOutboxTableSql makes it but without its
    // NOTIFY trigger. A transaction that notifies commits under a database-wide lock held through its
    // WAL flush, so every outbox write in the database would commit one at a time; the relay polls.
    await queryRunner.query(`CREATE TABLE "notify"."outbox" (
      "id" bigserial NOT NULL,
      "topic" text NOT NULL,
      "message_key" text NOT NULL,
      "payload" bytea NOT NULL,
      "headers" jsonb NOT NULL DEFAULT '{}'::jsonb,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_notify_outbox" PRIMARY KEY ("id")
    )`);
    // ... and the notification log is append-only: no role may update, delete or truncate it.
    await queryRunner.query(`CREATE FUNCTION "notify"."notification_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'notify.notification_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$`);
    await queryRunner.query(`CREATE TRIGGER "TR_notification_log_no_update_delete" BEFORE UPDATE OR DELETE ON "notify"."notification_log"
          FOR EACH ROW EXECUTE FUNCTION "notify"."notification_log_append_only"()`);
    await queryRunner.query(`CREATE TRIGGER "TR_notification_log_no_truncate" BEFORE TRUNCATE ON "notify"."notification_log"
          FOR EACH STATEMENT EXECUTE FUNCTION "notify"."notification_log_append_only"()`);
    await queryRunner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON "notify"."notification_log" FROM PUBLIC`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "TR_notification_log_no_truncate" ON "notify"."notification_log"`);
    await queryRunner.query(`DROP TRIGGER "TR_notification_log_no_update_delete" ON "notify"."notification_log"`);
    await queryRunner.query(`DROP FUNCTION "notify"."notification_log_append_only"()`);
    await queryRunner.query(`DROP TABLE "notify"."outbox"`);
    await queryRunner.query(`ALTER TABLE "notify"."deliveries" DROP CONSTRAINT "FK_deliveries_notice"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_notification_log_incident_person"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_notification_log_subject"`);
    await queryRunner.query(`DROP TABLE "notify"."notification_log"`);
    await queryRunner.query(`DROP TABLE "notify"."incidents"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_enrollments_incident_person"`);
    await queryRunner.query(`DROP TABLE "notify"."enrollments"`);
    await queryRunner.query(`DROP TABLE "notify"."send_budget"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_deliveries_claim"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_deliveries_lease"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_deliveries_status_poll"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_deliveries_provider_ref"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_deliveries_incident_state"`);
    await queryRunner.query(`DROP TABLE "notify"."deliveries"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_notices_incident_person"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_notices_reference_code"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_notices_awaiting_incident"`);
    await queryRunner.query(`DROP INDEX "notify"."IX_notices_enrollment_deadline"`);
    await queryRunner.query(`DROP TABLE "notify"."notices"`);
  }
}
