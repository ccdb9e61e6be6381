import { MigrationInterface, QueryRunner } from 'typeorm';

/** The release gate counts people per reporter over a rolling window (ADR 0015 notes; issue 22). */
export class RevisionReporter1796700000001 implements MigrationInterface {
  name = 'RevisionReporter1796700000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "exposure"."revisions" ADD "reporter" text NOT NULL DEFAULT ''`);
    await queryRunner.query(
      `CREATE INDEX "IDX_revisions_reporter_computed_at" ON "exposure"."revisions" ("reporter", "computed_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "exposure"."IDX_revisions_reporter_computed_at"`);
    await queryRunner.query(`ALTER TABLE "exposure"."revisions" DROP COLUMN "reporter"`);
  }
}
