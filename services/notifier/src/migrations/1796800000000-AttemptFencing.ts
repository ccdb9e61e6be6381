import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fencing for SMS and email attempts (ADR 0011): `lease_id` names the claim that holds a delivery, so
 * a send and its answer count only while that claim still holds it; `absent_since` is when the
 * provider's list first showed no message for an unknown outcome (a resend needs a second look later).
 */
export class AttemptFencing1796800000000 implements MigrationInterface {
  name = 'AttemptFencing1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notify"."deliveries" ADD "lease_id" uuid`);
    await queryRunner.query(`ALTER TABLE "notify"."deliveries" ADD "absent_since" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notify"."deliveries" DROP COLUMN "absent_since"`);
    await queryRunner.query(`ALTER TABLE "notify"."deliveries" DROP COLUMN "lease_id"`);
  }
}
