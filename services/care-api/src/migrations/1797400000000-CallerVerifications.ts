import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Caller verifications (issue 20, ADR 0025): a care code texted to a number the person still holds, kept
 * only as an HMAC bound to its verification; attempts and the time of a successful reading. The issue
 * times of the last hour are also the per-person rate limit every instance shares.
 */
export class CallerVerifications1797400000000 implements MigrationInterface {
  name = 'CallerVerifications1797400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "care"."verifications" (
      "verification_id" uuid NOT NULL,
      "person_id" text NOT NULL,
      "subscriber_id" text NOT NULL,
      "msisdn_masked" text NOT NULL,
      "incident_id" text NOT NULL,
      "code_digest" bytea NOT NULL,
      "expires_at" timestamptz NOT NULL,
      "attempts" smallint NOT NULL DEFAULT 0,
      "verified_at" timestamptz,
      "requested_by" text NOT NULL,
      "verified_by" text,
      "created_at" timestamptz NOT NULL,
      CONSTRAINT "PK_care_verifications" PRIMARY KEY ("verification_id")
    )`);
    await queryRunner.query(
      `CREATE INDEX "IX_care_verifications_person_created" ON "care"."verifications" ("person_id", "created_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "care"."verifications"`);
  }
}
