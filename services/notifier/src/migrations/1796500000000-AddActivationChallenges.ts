import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddActivationChallenges1796500000000 implements MigrationInterface {
  name = 'AddActivationChallenges1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "notify"."activation_challenges" ("challenge_id" uuid NOT NULL, "notice_id" uuid NOT NULL, "enrollment_id" text NOT NULL, "otp_ciphertext" bytea, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_activation_challenges_notice" UNIQUE ("notice_id"), CONSTRAINT "PK_activation_challenges" PRIMARY KEY ("challenge_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_activation_challenges_expires_at" ON "notify"."activation_challenges"  ("expires_at") WHERE "otp_ciphertext" IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "notify"."activation_challenges" ADD CONSTRAINT "FK_activation_challenges_notice" FOREIGN KEY ("notice_id") REFERENCES "notify"."notices"("notice_id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // A person may ask for several one-time codes within one incident revision: one revision, one
    // notice holds for breach notices and protection details, not for activation messages.
    await queryRunner.query(
      `ALTER TABLE "notify"."notices" DROP CONSTRAINT "UQ_notices_incident_person_revision_kind"`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_notices_incident_person_revision_kind" ON "notify"."notices"  ("incident_id", "person_id", "revision", "kind") WHERE "kind" <> 'activation'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "notify"."UQ_notices_incident_person_revision_kind"`);
    await queryRunner.query(
      `ALTER TABLE "notify"."activation_challenges" DROP CONSTRAINT "FK_activation_challenges_notice"`,
    );
    await queryRunner.query(`DROP INDEX "notify"."IX_activation_challenges_expires_at"`);
    await queryRunner.query(`DROP TABLE "notify"."activation_challenges"`);
    // Added by hand: the older schema knows no activation messages; their rows would break its unique key.
    await queryRunner.query(
      `DELETE FROM "notify"."deliveries" WHERE "notice_id" IN (SELECT "notice_id" FROM "notify"."notices" WHERE "kind" = 'activation')`,
    );
    await queryRunner.query(`DELETE FROM "notify"."notices" WHERE "kind" = 'activation'`);
    await queryRunner.query(
      `ALTER TABLE "notify"."notices" ADD CONSTRAINT "UQ_notices_incident_person_revision_kind" UNIQUE ("incident_id", "person_id", "revision", "kind")`,
    );
  }
}
