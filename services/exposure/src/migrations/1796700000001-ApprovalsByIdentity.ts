import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approvals are made by OIDC subjects (the approver column now holds the subject): each records the
 * approver's display name and the hash of the revision summary they were shown. Approvals recorded
 * under static tokens have neither, so they are dropped: a held revision needs approvals by identity.
 */
export class ApprovalsByIdentity1796700000001 implements MigrationInterface {
  name = 'ApprovalsByIdentity1796700000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM "exposure"."release_approvals" a USING "exposure"."revisions" r
       WHERE r."incident_id" = a."incident_id" AND r."revision" = a."revision" AND r."status" = 'HELD'`,
    );
    await queryRunner.query(
      `ALTER TABLE "exposure"."release_approvals" ADD "display_name" text NOT NULL DEFAULT '', ADD "summary_sha256" text NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(
      `ALTER TABLE "exposure"."release_approvals" ALTER "display_name" DROP DEFAULT, ALTER "summary_sha256" DROP DEFAULT`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "exposure"."release_approvals" DROP COLUMN "summary_sha256", DROP COLUMN "display_name"`,
    );
  }
}
