import { MigrationInterface, QueryRunner } from 'typeorm';
import { addOutboxPoisonRowsSql, dropOutboxPoisonRowsSql } from '@bnp/messaging';

/**
 * The outbox columns and parked table the relay has needed since ADR 0015: this service's first migration
 * created the outbox without them, so its relay could have published nothing (nothing used it yet).
 */
export class OutboxPoisonRows1797200000000 implements MigrationInterface {
  name = 'OutboxPoisonRows1797200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of addOutboxPoisonRowsSql('tlog')) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropOutboxPoisonRowsSql('tlog')) await queryRunner.query(statement);
  }
}
