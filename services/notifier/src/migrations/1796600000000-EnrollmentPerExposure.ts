import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * fraud-guard sends one EnrollmentCreated per exposure (a widening revision reissues a code for the same
 * enrollment), so the notifier keeps one row per exposure: keyed by the exposure's idempotency key, not
 * by the enrollment id, which a revision-2 code would otherwise collide with and be dropped.
 */
export class EnrollmentPerExposure1796600000000 implements MigrationInterface {
  name = 'EnrollmentPerExposure1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notify"."enrollments" DROP CONSTRAINT "PK_enrollments"`);
    await queryRunner.query(
      `ALTER TABLE "notify"."enrollments" DROP CONSTRAINT "UQ_enrollments_exposure_idempotency_key"`,
    );
    await queryRunner.query(
      `ALTER TABLE "notify"."enrollments" ADD CONSTRAINT "PK_enrollments" PRIMARY KEY ("exposure_idempotency_key")`,
    );
    await queryRunner.query(`CREATE INDEX "IX_enrollments_enrollment" ON "notify"."enrollments" ("enrollment_id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "notify"."IX_enrollments_enrollment"`);
    await queryRunner.query(`ALTER TABLE "notify"."enrollments" DROP CONSTRAINT "PK_enrollments"`);
    // Only the first code of each enrollment can be kept under the old key.
    await queryRunner.query(
      `DELETE FROM "notify"."enrollments" e USING "notify"."enrollments" o
       WHERE e."enrollment_id" = o."enrollment_id" AND e."received_at" > o."received_at"`,
    );
    await queryRunner.query(
      `ALTER TABLE "notify"."enrollments" ADD CONSTRAINT "UQ_enrollments_exposure_idempotency_key" UNIQUE ("exposure_idempotency_key")`,
    );
    await queryRunner.query(
      `ALTER TABLE "notify"."enrollments" ADD CONSTRAINT "PK_enrollments" PRIMARY KEY ("enrollment_id")`,
    );
  }
}
