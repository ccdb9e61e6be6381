import { MigrationInterface, QueryRunner } from 'typeorm';
import { createAccessLogTableSql, dropAccessLogTableSql } from '@bnp/access-audit';

/** The append-only access log (libs/access-audit): every admitted call to a non-public route, and refusals. */
export class AddAccessLog1796700000000 implements MigrationInterface {
  name = 'AddAccessLog1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of createAccessLogTableSql('fraud')) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropAccessLogTableSql('fraud')) await queryRunner.query(statement);
  }
}
