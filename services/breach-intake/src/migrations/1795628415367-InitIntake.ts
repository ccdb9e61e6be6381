import { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTableSql, dropOutboxTableSql } from '@bnp/messaging';

export class InitIntake1795628415367 implements MigrationInterface {
  name = 'InitIntake1795628415367';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "intake"."incident_revisions" ("id" uuid NOT NULL, "incident_id" text NOT NULL, "revision" integer NOT NULL, "event_id" text NOT NULL, "content_sha256" text NOT NULL, "status" text NOT NULL, "reported_at" TIMESTAMP WITH TIME ZONE NOT NULL, "detected_at" TIMESTAMP WITH TIME ZONE NOT NULL, "occurred_from" TIMESTAMP WITH TIME ZONE, "occurred_to" TIMESTAMP WITH TIME ZONE NOT NULL, "attack_vectors" integer array NOT NULL, "severity" integer NOT NULL, "summary" text NOT NULL, "jurisdiction" text NOT NULL, "assets" jsonb NOT NULL, "dry_run" boolean NOT NULL, "reporter" text NOT NULL, "source_format" text NOT NULL, "source_partition" integer NOT NULL, "source_offset" bigint NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_incident_revisions_event_id" UNIQUE ("event_id"), CONSTRAINT "UQ_incident_revisions_incident_revision" UNIQUE ("incident_id", "revision"), CONSTRAINT "PK_incident_revisions" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_incident_revisions_received_at" ON "intake"."incident_revisions"  ("received_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "intake"."incidents" ("incident_id" text NOT NULL, "current_revision" integer NOT NULL, "current_revision_id" uuid NOT NULL, "jurisdiction" text NOT NULL, "detected_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_incidents" PRIMARY KEY ("incident_id"))`,
    );
    // Added by hand: the outbox is raw SQL (see libs/messaging/src/outbox/outbox-sql.ts).
    for (const statement of createOutboxTableSql('intake')) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropOutboxTableSql('intake')) await queryRunner.query(statement);
    await queryRunner.query(`DROP TABLE "intake"."incidents"`);
    await queryRunner.query(`DROP INDEX "intake"."IDX_incident_revisions_received_at"`);
    await queryRunner.query(`DROP TABLE "intake"."incident_revisions"`);
  }
}
