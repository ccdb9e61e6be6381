import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddInventoryVersions1796161807920 implements MigrationInterface {
  name = 'AddInventoryVersions1796161807920';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "exposure"."inventory_versions" ("kind" text NOT NULL, "entity_id" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "event_id" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_inventory_versions" PRIMARY KEY ("kind", "entity_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "exposure"."inventory_versions"`);
  }
}
