import { MigrationInterface, QueryRunner } from 'typeorm';
import { createAccessLogTableSql, dropAccessLogTableSql } from '@bnp/access-audit';
import { createOutboxTableSql, dropOutboxTableSql } from '@bnp/messaging';

/**
 * Customer care's read model, fed from exposure.v1, notification.log.v1, fraud.enrollments.v1 and
 * incident.control.v1 (each row keyed by the event's own id, so a redelivery changes nothing); the
 * outbox and the access log.
 */
export class InitCare1796800000000 implements MigrationInterface {
  name = 'InitCare1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "care"`);
    await queryRunner.query(`CREATE TABLE "care"."exposure_revisions" (
      "incident_id" text NOT NULL,
      "person_id" text NOT NULL,
      "revision" integer NOT NULL,
      "exposure_id" text NOT NULL,
      "change" smallint NOT NULL,
      "categories" integer[] NOT NULL,
      "new_categories" integer[] NOT NULL,
      "tier" smallint NOT NULL,
      "policy_version" text NOT NULL,
      "policy_rule" text NOT NULL,
      "channels" integer[] NOT NULL,
      "actions" integer[] NOT NULL,
      "language" text NOT NULL,
      "email_masked" text,
      "email_enc" bytea,
      "email_bidx" bytea,
      "dry_run" boolean NOT NULL,
      "jurisdiction" text NOT NULL,
      "detected_at" timestamptz,
      "received_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_care_exposure_revisions" PRIMARY KEY ("incident_id", "person_id", "revision")
    )`);
    await queryRunner.query(
      `CREATE INDEX "IX_care_exposure_revisions_person" ON "care"."exposure_revisions" ("person_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_care_exposure_revisions_email_bidx" ON "care"."exposure_revisions" ("email_bidx")`,
    );
    await queryRunner.query(`CREATE TABLE "care"."exposure_numbers" (
      "incident_id" text NOT NULL,
      "person_id" text NOT NULL,
      "revision" integer NOT NULL,
      "subscriber_id" text NOT NULL,
      "still_held" boolean NOT NULL,
      "line_type" smallint NOT NULL,
      "msisdn_masked" text NOT NULL,
      "msisdn_enc" bytea,
      "msisdn_bidx" bytea,
      CONSTRAINT "PK_care_exposure_numbers" PRIMARY KEY ("incident_id", "person_id", "revision", "subscriber_id")
    )`);
    await queryRunner.query(
      `CREATE INDEX "IX_care_exposure_numbers_msisdn_bidx" ON "care"."exposure_numbers" ("msisdn_bidx")`,
    );
    await queryRunner.query(`CREATE TABLE "care"."log_entries" (
      "entry_id" text NOT NULL,
      "occurred_at" timestamptz NOT NULL,
      "source" text NOT NULL,
      "incident_id" text NOT NULL,
      "revision" integer NOT NULL,
      "person_id" text NOT NULL,
      "subject_id" text NOT NULL,
      "kind" smallint NOT NULL,
      "channel" smallint NOT NULL,
      "status" text NOT NULL,
      "template_id" text NOT NULL,
      "template_version" text NOT NULL,
      "recipient_masked" text NOT NULL,
      "error_code" text NOT NULL,
      "detail" text NOT NULL,
      CONSTRAINT "PK_care_log_entries" PRIMARY KEY ("entry_id")
    )`);
    await queryRunner.query(
      `CREATE INDEX "IX_care_log_entries_person" ON "care"."log_entries" ("person_id", "occurred_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_care_log_entries_incident" ON "care"."log_entries" ("incident_id", "kind")`,
    );
    await queryRunner.query(`CREATE TABLE "care"."enrollments" (
      "enrollment_id" text NOT NULL,
      "incident_id" text NOT NULL,
      "person_id" text NOT NULL,
      "exposure_idempotency_key" text NOT NULL,
      "enroll_by" timestamptz,
      "monitoring_months" integer NOT NULL,
      "actions" integer[] NOT NULL,
      "protected_subscriptions" integer NOT NULL,
      "received_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_care_enrollments" PRIMARY KEY ("enrollment_id")
    )`);
    await queryRunner.query(`CREATE INDEX "IX_care_enrollments_person" ON "care"."enrollments" ("person_id")`);
    await queryRunner.query(`CREATE TABLE "care"."incident_controls" (
      "control_id" text NOT NULL,
      "incident_id" text NOT NULL,
      "revision" integer NOT NULL,
      "action" text NOT NULL,
      "reason" text NOT NULL,
      "decided_at" timestamptz NOT NULL,
      CONSTRAINT "PK_care_incident_controls" PRIMARY KEY ("control_id")
    )`);
    await queryRunner.query(
      `CREATE INDEX "IX_care_incident_controls_incident" ON "care"."incident_controls" ("incident_id", "decided_at")`,
    );
    for (const statement of createOutboxTableSql('care')) await queryRunner.query(statement);
    for (const statement of createAccessLogTableSql('care')) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropAccessLogTableSql('care')) await queryRunner.query(statement);
    for (const statement of dropOutboxTableSql('care')) await queryRunner.query(statement);
    for (const table of ['incident_controls', 'enrollments', 'log_entries', 'exposure_numbers', 'exposure_revisions']) {
      await queryRunner.query(`DROP TABLE "care"."${table}"`);
    }
  }
}
