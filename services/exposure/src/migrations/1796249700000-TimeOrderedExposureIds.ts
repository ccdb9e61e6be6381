import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * exposure_id as a UUIDv7 (RFC 9562: 48-bit Unix milliseconds, then random bits). A revision inserts
 * millions of exposures in one statement; random v4 ids scatter those inserts over the whole unique
 * index, time-ordered ids append them at its right edge. PostgreSQL 15 has no uuidv7() (18 does).
 */
export class TimeOrderedExposureIds1796249700000 implements MigrationInterface {
  name = 'TimeOrderedExposureIds1796249700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION "exposure"."uuid_v7"() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
         SELECT encode(
           set_bit(set_bit(
             overlay(uuid_send(gen_random_uuid())
                     PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                     FROM 1 FOR 6),
             52, 1), 53, 1),
           'hex')::uuid
       $$`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION "exposure"."uuid_v7"()`);
  }
}
