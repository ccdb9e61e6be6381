import { MigrationInterface, QueryRunner } from 'typeorm';

export class ActivationChallengeDelivery1796500000000 implements MigrationInterface {
  name = 'ActivationChallengeDelivery1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "fraud"."enrollments" ADD "language" text NOT NULL DEFAULT ''`);
    // Added by hand: the one-time code now leaves only inside ActivationChallengeIssued (outbox, same
    // transaction); nothing else keeps it in a form that opens. Codes waiting in the column are void.
    await queryRunner.query(`ALTER TABLE "fraud"."activation_challenges" DROP COLUMN "otp_ciphertext"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "fraud"."activation_challenges" ADD "otp_ciphertext" bytea`);
    await queryRunner.query(`ALTER TABLE "fraud"."enrollments" DROP COLUMN "language"`);
  }
}
