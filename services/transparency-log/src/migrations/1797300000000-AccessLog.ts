import { MigrationInterface, QueryRunner } from 'typeorm';
import { createAccessLogTableSql, dropAccessLogTableSql } from '@bnp/access-audit';

/** The log's reads are behind the token guard now (ADR 0024): its access log, as every guarded service has. */
export class AccessLog1797300000000 implements MigrationInterface {
  name = 'AccessLog1797300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of createAccessLogTableSql('tlog')) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropAccessLogTableSql('tlog')) await queryRunner.query(statement);
  }
}
