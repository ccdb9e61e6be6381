import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddResolutionJobs1795629382466 implements MigrationInterface {
  name = 'AddResolutionJobs1795629382466';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "exposure"."resolution_jobs" ("incident_id" text NOT NULL, "revision" integer NOT NULL, "payload" bytea NOT NULL, "status" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "lease_until" TIMESTAMP WITH TIME ZONE, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_resolution_jobs" PRIMARY KEY ("incident_id", "revision"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_resolution_jobs_runnable" ON "exposure"."resolution_jobs"  ("created_at") WHERE "status" IN ('PENDING', 'RUNNING')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "exposure"."IDX_resolution_jobs_runnable"`);
    await queryRunner.query(`DROP TABLE "exposure"."resolution_jobs"`);
  }
}
