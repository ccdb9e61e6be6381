import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fan-out's progress moves from every event row (published_at, held, and a partial index over
 * them) to the revision row: a cursor over the revision's event ids, how many were acknowledged and
 * when the last was. See docs/adr/0018-exposure-fan-out.md.
 */
export class FanOutByRevision1796248800000 implements MigrationInterface {
  name = 'FanOutByRevision1796248800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "exposure"."revisions" ADD "fanout_cursor" bigint NOT NULL DEFAULT '0', ADD "published_events" integer NOT NULL DEFAULT '0', ADD "fanned_out_at" TIMESTAMP WITH TIME ZONE`,
    );
    // Revisions released before this migration carry on from their first unpublished event.
    await queryRunner.query(
      `UPDATE "exposure"."revisions" r SET
         "published_events" = (SELECT count(*) FROM "exposure"."exposure_events" e
                               WHERE e."incident_id" = r."incident_id" AND e."revision" = r."revision" AND e."published_at" IS NOT NULL),
         "fanout_cursor" = COALESCE((SELECT min(e."id") - 1 FROM "exposure"."exposure_events" e
                                     WHERE e."incident_id" = r."incident_id" AND e."revision" = r."revision" AND e."published_at" IS NULL),
                                    (SELECT max(e."id") FROM "exposure"."exposure_events" e
                                     WHERE e."incident_id" = r."incident_id" AND e."revision" = r."revision"), 0)`,
    );
    await queryRunner.query(
      `UPDATE "exposure"."revisions" r SET "fanned_out_at" = now() WHERE "status" = 'RELEASED'
         AND NOT EXISTS (SELECT 1 FROM "exposure"."exposure_events" e
                         WHERE e."incident_id" = r."incident_id" AND e."revision" = r."revision" AND e."id" > r."fanout_cursor")`,
    );
    await queryRunner.query(`DROP INDEX "exposure"."IDX_exposure_events_pending"`);
    await queryRunner.query(`DROP INDEX "exposure"."IDX_exposure_events_incident_revision"`);
    await queryRunner.query(`ALTER TABLE "exposure"."exposure_events" DROP COLUMN "held", DROP COLUMN "published_at"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_exposure_events_revision_order" ON "exposure"."exposure_events" ("incident_id", "revision", "id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "exposure"."IDX_exposure_events_revision_order"`);
    await queryRunner.query(
      `ALTER TABLE "exposure"."exposure_events" ADD "held" boolean NOT NULL DEFAULT false, ADD "published_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `UPDATE "exposure"."exposure_events" e SET "published_at" = now() FROM "exposure"."revisions" r
       WHERE r."incident_id" = e."incident_id" AND r."revision" = e."revision" AND e."id" <= r."fanout_cursor"`,
    );
    await queryRunner.query(
      `UPDATE "exposure"."exposure_events" e SET "held" = true FROM "exposure"."revisions" r
       WHERE r."incident_id" = e."incident_id" AND r."revision" = e."revision" AND r."status" IN ('HELD', 'DRY_RUN')`,
    );
    await queryRunner.query(`ALTER TABLE "exposure"."exposure_events" ALTER COLUMN "held" DROP DEFAULT`);
    await queryRunner.query(
      `CREATE INDEX "IDX_exposure_events_incident_revision" ON "exposure"."exposure_events" ("incident_id", "revision")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_exposure_events_pending" ON "exposure"."exposure_events" ("id") WHERE "published_at" IS NULL AND NOT "held"`,
    );
    await queryRunner.query(
      `ALTER TABLE "exposure"."revisions" DROP COLUMN "fanned_out_at", DROP COLUMN "published_events", DROP COLUMN "fanout_cursor"`,
    );
  }
}
