import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OutboxWriter, type OutboxMessage } from '@bnp/messaging';
import { FRAUD_OUTBOX } from '../enrollment/enrollment.repository';
import { EnrollmentEntity } from '../enrollment/enrollment.entity';
import { queryRows } from '../sql';
import { ActivationChallengeEntity } from './activation-challenge.entity';

export class ActivationTransaction {
  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  /** The enrollment any of whose codes this is, locked so concurrent attempts are counted one after another. */
  async lockByCodeHash(activationCodeHash: string): Promise<EnrollmentEntity | null> {
    return this.manager
      .getRepository(EnrollmentEntity)
      .createQueryBuilder('enrollment')
      .setLock('pessimistic_write')
      .where(
        'enrollment.id IN (SELECT "enrollment_id" FROM "fraud"."activation_codes" WHERE "code_hash" = :activationCodeHash)',
        { activationCodeHash },
      )
      .getOne();
  }

  async lockById(id: string): Promise<EnrollmentEntity | null> {
    return this.manager
      .getRepository(EnrollmentEntity)
      .createQueryBuilder('enrollment')
      .setLock('pessimistic_write')
      .where('enrollment.id = :id', { id })
      .getOne();
  }

  /** One of the person's own numbers, still held, whose blind index matches. */
  async heldNumber(
    enrollmentId: string,
    msisdnBlindIndex: string,
  ): Promise<{ subscriberId: string; msisdnMasked: string } | null> {
    const [row] = await queryRows<{ subscriber_id: string; msisdn_masked: string }>(
      this.manager,
      `SELECT "subscriber_id", "msisdn_masked" FROM "fraud"."enrollment_subscriptions"
       WHERE "enrollment_id" = $1 AND "still_held" AND "msisdn_blind_index" = $2`,
      [enrollmentId, msisdnBlindIndex],
    );
    return row ? { subscriberId: row.subscriber_id, msisdnMasked: row.msisdn_masked } : null;
  }

  async setAttempts(id: string, failedAttempts: number, lockedUntil: Date | null): Promise<void> {
    await this.manager.query(
      `UPDATE "fraud"."enrollments" SET "failed_attempts" = $2, "locked_until" = $3, "updated_at" = now() WHERE "id" = $1`,
      [id, failedAttempts, lockedUntil],
    );
  }

  /** A new challenge supersedes earlier open ones: only the newest one-time code is accepted. */
  /** When the one-time codes issued for an enrollment since a moment were issued, oldest first. */
  async challengeTimesSince(enrollmentId: string, since: Date): Promise<Date[]> {
    const rows = await queryRows<{ created_at: Date }>(
      this.manager,
      `SELECT "created_at" FROM "fraud"."activation_challenges" WHERE "enrollment_id" = $1 AND "created_at" > $2
       ORDER BY "created_at"`,
      [enrollmentId, since],
    );
    return rows.map((row) => row.created_at);
  }

  async replaceChallenge(challenge: Omit<ActivationChallengeEntity, 'consumedAt' | 'createdAt'>): Promise<void> {
    await this.manager.query(
      `UPDATE "fraud"."activation_challenges" SET "consumed_at" = now() WHERE "enrollment_id" = $1 AND "consumed_at" IS NULL`,
      [challenge.enrollmentId],
    );
    await this.manager.insert(ActivationChallengeEntity, challenge);
  }

  openChallenge(enrollmentId: string, now: Date): Promise<ActivationChallengeEntity | null> {
    return this.manager
      .getRepository(ActivationChallengeEntity)
      .createQueryBuilder('challenge')
      .where('challenge.enrollmentId = :enrollmentId AND challenge.consumedAt IS NULL AND challenge.expiresAt > :now', {
        enrollmentId,
        now,
      })
      .orderBy('challenge.createdAt', 'DESC')
      .getOne();
  }

  async consumeChallenge(id: string): Promise<void> {
    await this.manager.query(`UPDATE "fraud"."activation_challenges" SET "consumed_at" = now() WHERE "id" = $1`, [id]);
  }

  async activate(id: string, activatedAt: Date): Promise<void> {
    await this.manager.query(
      `UPDATE "fraud"."enrollments" SET "status" = 'ACTIVE', "activated_at" = $2, "failed_attempts" = 0, "locked_until" = NULL,
         "updated_at" = now() WHERE "id" = $1`,
      [id, activatedAt],
    );
  }

  appendOutbox(messages: OutboxMessage[]): Promise<void> {
    return this.outbox.append(this.manager, messages);
  }
}

@Injectable()
export class ActivationRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(FRAUD_OUTBOX) private readonly outbox: OutboxWriter,
  ) {}

  inTransaction<T>(work: (tx: ActivationTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new ActivationTransaction(manager, this.outbox)));
  }
}
