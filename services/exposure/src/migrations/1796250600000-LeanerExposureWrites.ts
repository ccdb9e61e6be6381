import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A revision writes a row per person twice (person_exposures, exposure_events), and at 10M subscribers
 * that is millions of rows in one transaction: every index on those tables is one more WAL record per
 * row. Three indexes had no reader and go:
 * - exposure_events: the id primary key and the (incident_id, revision, id) index become one primary
 *   key (incident_id, revision, id), the order the relay reads in; the unique (incident, person,
 *   revision) guarded what the resolution's SQL already ensures (one rev_people row per person) and
 *   downstream dedupes by the same triple (idempotency_key).
 * - person_exposures: the unique index on exposure_id (UUIDv7, unique by construction; nothing looks
 *   an exposure up by it here).
 * policy_version and dry_run leave exposure_events: they are the revision's, and the relay takes them
 * from the revision row. Measured at 1M subscribers (371k people): the events insert 2.8 s -> 1.25 s,
 * the exposures insert 4.0 s -> 2.4 s. See docs/adr/0020-exposure-writes.md.
 */
export class LeanerExposureWrites1796250600000 implements MigrationInterface {
  name = 'LeanerExposureWrites1796250600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "exposure"."exposure_events" DROP CONSTRAINT "UQ_exposure_events_person_revision", DROP CONSTRAINT "PK_exposure_events"`,
    );
    await queryRunner.query(`DROP INDEX "exposure"."IDX_exposure_events_revision_order"`);
    await queryRunner.query(
      `ALTER TABLE "exposure"."exposure_events" ADD CONSTRAINT "PK_exposure_events" PRIMARY KEY ("incident_id", "revision", "id"),
         DROP COLUMN "policy_version", DROP COLUMN "dry_run"`,
    );
    await queryRunner.query(`DROP INDEX "exposure"."UQ_person_exposures_exposure_id"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_person_exposures_exposure_id" ON "exposure"."person_exposures" ("exposure_id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "exposure"."exposure_events" ADD "policy_version" text, ADD "dry_run" boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(
      `UPDATE "exposure"."exposure_events" e SET "policy_version" = r."policy_version", "dry_run" = r."dry_run"
       FROM "exposure"."revisions" r WHERE r."incident_id" = e."incident_id" AND r."revision" = e."revision"`,
    );
    await queryRunner.query(
      `ALTER TABLE "exposure"."exposure_events" ALTER COLUMN "policy_version" SET NOT NULL, ALTER COLUMN "dry_run" DROP DEFAULT,
         DROP CONSTRAINT "PK_exposure_events"`,
    );
    await queryRunner.query(
      `ALTER TABLE "exposure"."exposure_events" ADD CONSTRAINT "PK_exposure_events" PRIMARY KEY ("id"),
         ADD CONSTRAINT "UQ_exposure_events_person_revision" UNIQUE ("incident_id", "person_id", "revision")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_exposure_events_revision_order" ON "exposure"."exposure_events" ("incident_id", "revision", "id")`,
    );
  }
}
