import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Care codes (care.challenges.v1) are one-time code SMS like fraud-watch activation codes and share
 * their table: the purpose picks the template, and a care code belongs to no enrollment.
 */
export class CareCodes1797400000000 implements MigrationInterface {
  name = 'CareCodes1797400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "notify"."activation_challenges" ADD "purpose" text NOT NULL DEFAULT 'fraud-activation'`,
    );
    await queryRunner.query(
      `ALTER TABLE "notify"."activation_challenges" ADD CONSTRAINT "CHK_activation_challenges_purpose" CHECK ("purpose" IN ('fraud-activation', 'care-verification'))`,
    );
    await queryRunner.query(`ALTER TABLE "notify"."activation_challenges" ALTER COLUMN "enrollment_id" DROP NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Added by hand: the older schema knows no care codes, and their rows have no enrollment. Their
    // notices and deliveries go with them, or they would be claimed with no code to send.
    await queryRunner.query(
      `DELETE FROM "notify"."deliveries" WHERE "notice_id" IN (SELECT "notice_id" FROM "notify"."activation_challenges" WHERE "purpose" = 'care-verification')`,
    );
    // TypeORM answers a DELETE ... RETURNING with [rows, affected count].
    const [care] = (await queryRunner.query(
      `DELETE FROM "notify"."activation_challenges" WHERE "purpose" = 'care-verification' RETURNING "notice_id"`,
    )) as [{ notice_id: string }[], number];
    await queryRunner.query(`DELETE FROM "notify"."notices" WHERE "notice_id" = ANY($1::uuid[])`, [
      care.map((row) => row.notice_id),
    ]);
    await queryRunner.query(`ALTER TABLE "notify"."activation_challenges" ALTER COLUMN "enrollment_id" SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "notify"."activation_challenges" DROP CONSTRAINT "CHK_activation_challenges_purpose"`,
    );
    await queryRunner.query(`ALTER TABLE "notify"."activation_challenges" DROP COLUMN "purpose"`);
  }
}
