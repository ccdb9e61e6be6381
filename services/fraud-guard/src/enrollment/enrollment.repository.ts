import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxWriter } from '@bnp/messaging';
import { PartnerTaskEntity } from '../partner/partner-task.entity';
import { ProtectionCommandEntity } from '../protection/protection-command.entity';
import { DryRunAssessmentEntity } from './dry-run-assessment.entity';
import { EnrollmentSubscriptionEntity } from './enrollment-subscription.entity';
import { EnrollmentEntity } from './enrollment.entity';
import { EnrollmentTransaction } from './enrollment.transaction';
import { queryRows } from '../sql';

export const FRAUD_OUTBOX = Symbol('FRAUD_OUTBOX');

@Injectable()
export class EnrollmentRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(FRAUD_OUTBOX) private readonly outbox: OutboxWriter,
  ) {}

  inTransaction<T>(work: (tx: EnrollmentTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new EnrollmentTransaction(manager, this.outbox)));
  }

  /** False when this dry-run exposure was already recorded. */
  async recordDryRun(assessment: Omit<DryRunAssessmentEntity, 'recordedAt'>): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource.manager,
      `INSERT INTO "fraud"."dry_run_assessments" ("exposure_idempotency_key", "incident_id", "person_id", "revision", "tier",
         "actions", "would_protect_subscriptions") VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING RETURNING "exposure_idempotency_key"`,
      [
        assessment.exposureIdempotencyKey,
        assessment.incidentId,
        assessment.personId,
        assessment.revision,
        assessment.tier,
        assessment.actions,
        assessment.wouldProtectSubscriptions,
      ],
    );
    return rows.length === 1;
  }

  findEnrollment(id: string): Promise<EnrollmentEntity | null> {
    return this.dataSource.getRepository(EnrollmentEntity).findOne({ where: { id } });
  }

  listSubscriptions(enrollmentId: string): Promise<EnrollmentSubscriptionEntity[]> {
    return this.dataSource
      .getRepository(EnrollmentSubscriptionEntity)
      .find({ where: { enrollmentId }, order: { subscriberId: 'ASC' } });
  }

  listPartnerTasks(enrollmentId: string): Promise<PartnerTaskEntity[]> {
    return this.dataSource
      .getRepository(PartnerTaskEntity)
      .find({ where: { enrollmentId }, order: { createdAt: 'ASC' } });
  }

  listCommands(enrollmentId: string): Promise<ProtectionCommandEntity[]> {
    return this.dataSource
      .getRepository(ProtectionCommandEntity)
      .find({ where: { enrollmentId }, order: { exposureRevision: 'ASC', subscriberId: 'ASC' } });
  }
}
