import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddIncidentControls1796161624834 implements MigrationInterface {
  name = 'AddIncidentControls1796161624834';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "fraud"."incident_controls" ("incident_id" text NOT NULL, "paused" boolean NOT NULL, "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL, "control_id" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_incident_controls" PRIMARY KEY ("incident_id"))`,
    );
    await queryRunner.query(`ALTER TABLE "fraud"."protection_commands" ALTER COLUMN "last_sent_at" DROP NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "IDX_protection_commands_held" ON "fraud"."protection_commands"  ("incident_id", "exposure_revision", "issued_at") WHERE "status" = 'HELD'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "fraud"."IDX_protection_commands_held"`);
    // Added by hand: without the pause switch nothing is held; the resend job sends held commands at once.
    await queryRunner.query(
      `UPDATE "fraud"."protection_commands" SET "status" = 'SENT', "last_sent_at" = now(), "next_send_at" = now() WHERE "status" = 'HELD'`,
    );
    await queryRunner.query(`ALTER TABLE "fraud"."protection_commands" ALTER COLUMN "last_sent_at" SET NOT NULL`);
    await queryRunner.query(`DROP TABLE "fraud"."incident_controls"`);
  }
}
