import { MigrationInterface, QueryRunner } from 'typeorm';
import { addOutboxPoisonRowsSql, dropOutboxPoisonRowsSql } from '@bnp/messaging';

/** Outbox rows the broker refuses are retried with backoff, then parked for an operator (ADR 0015). */
export class OutboxPoisonRows1796700000000 implements MigrationInterface {
  name = 'OutboxPoisonRows1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of addOutboxPoisonRowsSql('intake')) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropOutboxPoisonRowsSql('intake')) await queryRunner.query(statement);
  }
}
