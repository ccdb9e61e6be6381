import { MigrationInterface, QueryRunner } from 'typeorm';
import { createAccessLogTableSql, dropAccessLogTableSql } from '@bnp/access-audit';
import { createOutboxSql, dropOutboxPoisonRowsSql, dropOutboxTableSql } from '@bnp/messaging';

/**
 * Reports filed with regulators (the signed JWS, its submission state and the portal's receipt), the
 * deadline-clock alerts raised (once each), the outbox for regulator.reports.v1 and the access log.
 */
export class InitRegulator1797000000001 implements MigrationInterface {
  name = 'InitRegulator1797000000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "regulator"."reports" ("report_id" text NOT NULL, "incident_id" text NOT NULL, "revision" integer NOT NULL, "kind" text NOT NULL, "jurisdiction" text NOT NULL, "regulator_id" text NOT NULL, "obligation_ids" text array NOT NULL, "jws" text NOT NULL, "state" text NOT NULL, "attempts" integer NOT NULL DEFAULT 0, "last_error" text, "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "receipt_id" text, "filed_at" TIMESTAMP WITH TIME ZONE, "receipt" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_reports" PRIMARY KEY ("report_id"), CONSTRAINT "CHK_reports_state" CHECK ("state" IN ('pending', 'filed')))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_reports_incident" ON "regulator"."reports" ("incident_id")`);
    await queryRunner.query(
      `CREATE INDEX "IDX_reports_pending" ON "regulator"."reports" ("next_attempt_at") WHERE "state" = 'pending'`,
    );
    await queryRunner.query(
      `CREATE TABLE "regulator"."clock_alerts" ("incident_id" text NOT NULL, "obligation_id" text NOT NULL, "threshold" smallint NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "alerted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_clock_alerts" PRIMARY KEY ("incident_id", "obligation_id", "threshold"))`,
    );
    for (const statement of createOutboxSql('regulator')) await queryRunner.query(statement);
    for (const statement of createAccessLogTableSql('regulator')) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropAccessLogTableSql('regulator')) await queryRunner.query(statement);
    for (const statement of dropOutboxPoisonRowsSql('regulator')) await queryRunner.query(statement);
    for (const statement of dropOutboxTableSql('regulator')) await queryRunner.query(statement);
    await queryRunner.query(`DROP TABLE "regulator"."clock_alerts"`);
    await queryRunner.query(`DROP TABLE "regulator"."reports"`);
  }
}
