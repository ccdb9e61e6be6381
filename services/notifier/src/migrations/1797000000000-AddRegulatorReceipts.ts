import { MigrationInterface, QueryRunner } from 'typeorm';

/** Receipts of reports filed with regulators (regulator.reports.v1): notices say "reported" only after one. */
export class AddRegulatorReceipts1797000000000 implements MigrationInterface {
  name = 'AddRegulatorReceipts1797000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "notify"."regulator_receipts" ("report_id" text NOT NULL, "incident_id" text NOT NULL, "regulator_id" text NOT NULL, "obligation_id" text NOT NULL, "filed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "receipt_id" text NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_regulator_receipts" PRIMARY KEY ("report_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_regulator_receipts_incident" ON "notify"."regulator_receipts" ("incident_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "notify"."regulator_receipts"`);
  }
}
