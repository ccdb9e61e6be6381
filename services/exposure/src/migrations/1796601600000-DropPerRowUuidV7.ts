import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * exposure.uuid_v7() made one id per call from 16 bytes of OpenSSL randomness, 2.5 µs a row; the resolution and the
 * import now number a statement's rows after one prefix instead (`uuidV7Sql`, ADR 20), and nothing calls it. It goes,
 * so that there is one way to make these ids, not a slow one beside it.
 */
export class DropPerRowUuidV71796601600000 implements MigrationInterface {
  name = 'DropPerRowUuidV71796601600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION "exposure"."uuid_v7"()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
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
}
