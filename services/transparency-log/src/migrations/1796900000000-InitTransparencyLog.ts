import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTableSql, dropOutboxTableSql } from '@bnp/messaging';

export class InitTransparencyLog1796900000000 implements MigrationInterface {
  name = 'InitTransparencyLog1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "tlog"."log_state" (
      "id" smallint NOT NULL, "tree_size" bigint NOT NULL, "updated_at" timestamptz NOT NULL,
      CONSTRAINT "CK_log_state_single_row" CHECK ("id" = 1), CONSTRAINT "PK_log_state" PRIMARY KEY ("id"))`);
    await queryRunner.query(`INSERT INTO "tlog"."log_state" ("id", "tree_size", "updated_at") VALUES (1, 0, now())`);
    await queryRunner.query(`CREATE TABLE "tlog"."entries" (
      "idx" bigint NOT NULL, "entry_id" text NOT NULL, "kind" text NOT NULL, "incident_id" text NOT NULL,
      "data" bytea NOT NULL, "logged_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "UQ_entries_entry_id" UNIQUE ("entry_id"), CONSTRAINT "PK_entries" PRIMARY KEY ("idx"))`);
    await queryRunner.query(`CREATE INDEX "IX_entries_incident" ON "tlog"."entries" ("incident_id", "idx")`);
    await queryRunner.query(`CREATE TABLE "tlog"."tiles" (
      "level" smallint NOT NULL, "idx" bigint NOT NULL, "hashes" bytea NOT NULL,
      CONSTRAINT "PK_tiles" PRIMARY KEY ("level", "idx"))`);
    await queryRunner.query(`CREATE TABLE "tlog"."checkpoints" (
      "tree_size" bigint NOT NULL, "root_hash" bytea NOT NULL, "note" text NOT NULL, "cosigned" boolean NOT NULL,
      "signed_at" timestamptz NOT NULL DEFAULT now(), CONSTRAINT "PK_checkpoints" PRIMARY KEY ("tree_size"))`);
    for (const statement of createOutboxTableSql('tlog')) await queryRunner.query(statement);
    // Added by hand: what the database itself refuses, whoever asks. Entries and checkpoints never change,
    // the counter never goes down, and a tile only grows until it is full. (The published checkpoints and
    // their witness are what make this verifiable from outside; these guards stop accidents.)
    await queryRunner.query(`CREATE FUNCTION "tlog"."append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'tlog.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege'; END $$`);
    for (const table of ['entries', 'checkpoints']) {
      await queryRunner.query(`CREATE TRIGGER "TR_${table}_no_update_delete" BEFORE UPDATE OR DELETE ON "tlog"."${table}"
        FOR EACH ROW EXECUTE FUNCTION "tlog"."append_only"()`);
      await queryRunner.query(`CREATE TRIGGER "TR_${table}_no_truncate" BEFORE TRUNCATE ON "tlog"."${table}"
        FOR EACH STATEMENT EXECUTE FUNCTION "tlog"."append_only"()`);
    }
    await queryRunner.query(`CREATE FUNCTION "tlog"."tile_only_grows"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR length(OLD."hashes") = 8192 OR length(NEW."hashes") <= length(OLD."hashes")
           OR substring(NEW."hashes" FROM 1 FOR length(OLD."hashes")) <> OLD."hashes"
           OR NEW."level" <> OLD."level" OR NEW."idx" <> OLD."idx" THEN
          RAISE EXCEPTION 'tlog.tiles: tile %/% may only be extended', OLD."level", OLD."idx" USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "TR_tiles_only_grow" BEFORE UPDATE OR DELETE ON "tlog"."tiles"
      FOR EACH ROW EXECUTE FUNCTION "tlog"."tile_only_grows"()`);
    await queryRunner.query(`CREATE TRIGGER "TR_tiles_no_truncate" BEFORE TRUNCATE ON "tlog"."tiles"
      FOR EACH STATEMENT EXECUTE FUNCTION "tlog"."append_only"()`);
    await queryRunner.query(`CREATE FUNCTION "tlog"."size_only_grows"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR NEW."tree_size" < OLD."tree_size" THEN
          RAISE EXCEPTION 'tlog.log_state: the tree size never goes down' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "TR_log_state_only_grows" BEFORE UPDATE OR DELETE ON "tlog"."log_state"
      FOR EACH ROW EXECUTE FUNCTION "tlog"."size_only_grows"()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropOutboxTableSql('tlog')) await queryRunner.query(statement);
    await queryRunner.query(`DROP TABLE "tlog"."checkpoints"`);
    await queryRunner.query(`DROP TABLE "tlog"."tiles"`);
    await queryRunner.query(`DROP TABLE "tlog"."entries"`);
    await queryRunner.query(`DROP TABLE "tlog"."log_state"`);
    await queryRunner.query(`DROP FUNCTION "tlog"."size_only_grows"()`);
    await queryRunner.query(`DROP FUNCTION "tlog"."tile_only_grows"()`);
    await queryRunner.query(`DROP FUNCTION "tlog"."append_only"()`);
  }
}
