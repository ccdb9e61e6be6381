import { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTableSql, dropOutboxTableSql } from '@bnp/messaging';

export class InitFraudGuard1795631727676 implements MigrationInterface {
  name = 'InitFraudGuard1795631727676';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "fraud"."activation_challenges" ("id" uuid NOT NULL, "enrollment_id" uuid NOT NULL, "subscriber_id" text NOT NULL, "msisdn_masked" text NOT NULL, "otp_hash" text NOT NULL, "otp_ciphertext" bytea, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_activation_challenges" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_activation_challenges_enrollment" ON "fraud"."activation_challenges"  ("enrollment_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "fraud"."activation_codes" ("code_hash" text NOT NULL, "enrollment_id" uuid NOT NULL, "exposure_idempotency_key" text NOT NULL, "revision" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_activation_codes_exposure_idempotency_key" UNIQUE ("exposure_idempotency_key"), CONSTRAINT "PK_activation_codes" PRIMARY KEY ("code_hash"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_activation_codes_enrollment" ON "fraud"."activation_codes"  ("enrollment_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "fraud"."dry_run_assessments" ("exposure_idempotency_key" text NOT NULL, "incident_id" text NOT NULL, "person_id" text NOT NULL, "revision" integer NOT NULL, "tier" integer NOT NULL, "actions" integer array NOT NULL, "would_protect_subscriptions" integer NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dry_run_assessments" PRIMARY KEY ("exposure_idempotency_key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "fraud"."enrollment_subscriptions" ("enrollment_id" uuid NOT NULL, "subscriber_id" text NOT NULL, "still_held" boolean NOT NULL, "line_type" integer NOT NULL, "msisdn_ciphertext" bytea, "msisdn_masked" text NOT NULL, "msisdn_blind_index" text, "updated_revision" integer NOT NULL, CONSTRAINT "PK_enrollment_subscriptions" PRIMARY KEY ("enrollment_id", "subscriber_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "fraud"."enrollments" ("id" uuid NOT NULL, "incident_id" text NOT NULL, "person_id" text NOT NULL, "exposure_id" text NOT NULL, "exposure_idempotency_key" text NOT NULL, "created_revision" integer NOT NULL, "last_revision" integer NOT NULL, "tier" integer NOT NULL, "policy_version" text NOT NULL, "policy_rule" text NOT NULL, "actions" integer array NOT NULL, "status" text NOT NULL, "status_reason" text, "monitoring_months" integer NOT NULL, "monitoring_ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "enroll_by" TIMESTAMP WITH TIME ZONE NOT NULL, "activated_at" TIMESTAMP WITH TIME ZONE, "opted_out_at" TIMESTAMP WITH TIME ZONE, "expired_at" TIMESTAMP WITH TIME ZONE, "retracted_revision" integer, "failed_attempts" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_enrollments_incident_person" UNIQUE ("incident_id", "person_id"), CONSTRAINT "PK_enrollments" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_enrollments_status_monitoring_ends_at" ON "fraud"."enrollments"  ("status", "monitoring_ends_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_enrollments_status_enroll_by" ON "fraud"."enrollments"  ("status", "enroll_by") `,
    );
    await queryRunner.query(
      `CREATE TABLE "fraud"."partner_tasks" ("id" uuid NOT NULL, "enrollment_id" uuid NOT NULL, "operation" text NOT NULL, "status" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_error" text, "partner_ref" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_partner_tasks_enrollment_operation" UNIQUE ("enrollment_id", "operation"), CONSTRAINT "PK_partner_tasks" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_partner_tasks_due" ON "fraud"."partner_tasks"  ("next_attempt_at") WHERE "status" = 'PENDING'`,
    );
    await queryRunner.query(
      `CREATE TABLE "fraud"."protection_commands" ("command_id" uuid NOT NULL, "enrollment_id" uuid NOT NULL, "incident_id" text NOT NULL, "person_id" text NOT NULL, "subscriber_id" text NOT NULL, "exposure_revision" integer NOT NULL, "actions" integer array NOT NULL, "msisdn_ciphertext" bytea NOT NULL, "msisdn_masked" text NOT NULL, "status" text NOT NULL, "attempt" integer NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_sent_at" TIMESTAMP WITH TIME ZONE NOT NULL, "next_send_at" TIMESTAMP WITH TIME ZONE, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "ack_detail" text, CONSTRAINT "UQ_protection_commands_enrollment_subscriber_revision" UNIQUE ("enrollment_id", "subscriber_id", "exposure_revision"), CONSTRAINT "PK_protection_commands" PRIMARY KEY ("command_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_protection_commands_enrollment" ON "fraud"."protection_commands"  ("enrollment_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_protection_commands_due" ON "fraud"."protection_commands"  ("next_send_at") WHERE "status" = 'SENT'`,
    );
    // Added by hand: the outbox is raw SQL (see libs/messaging/src/outbox/outbox-sql.ts).
    for (const statement of createOutboxTableSql('fraud')) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropOutboxTableSql('fraud')) await queryRunner.query(statement);
    await queryRunner.query(`DROP INDEX "fraud"."IDX_protection_commands_due"`);
    await queryRunner.query(`DROP INDEX "fraud"."IDX_protection_commands_enrollment"`);
    await queryRunner.query(`DROP TABLE "fraud"."protection_commands"`);
    await queryRunner.query(`DROP INDEX "fraud"."IDX_partner_tasks_due"`);
    await queryRunner.query(`DROP TABLE "fraud"."partner_tasks"`);
    await queryRunner.query(`DROP INDEX "fraud"."IDX_enrollments_status_enroll_by"`);
    await queryRunner.query(`DROP INDEX "fraud"."IDX_enrollments_status_monitoring_ends_at"`);
    await queryRunner.query(`DROP TABLE "fraud"."enrollments"`);
    await queryRunner.query(`DROP TABLE "fraud"."enrollment_subscriptions"`);
    await queryRunner.query(`DROP TABLE "fraud"."dry_run_assessments"`);
    await queryRunner.query(`DROP INDEX "fraud"."IDX_activation_codes_enrollment"`);
    await queryRunner.query(`DROP TABLE "fraud"."activation_codes"`);
    await queryRunner.query(`DROP INDEX "fraud"."IDX_activation_challenges_enrollment"`);
    await queryRunner.query(`DROP TABLE "fraud"."activation_challenges"`);
  }
}
