// The DataSource the TypeORM CLI uses to generate and run fraud-guard's migrations.
import 'reflect-metadata';
import { createServiceDataSource } from '@bnp/persistence';
import { ActivationChallengeEntity } from './activation/activation-challenge.entity';
import { ActivationCodeEntity } from './activation/activation-code.entity';
import { DryRunAssessmentEntity } from './enrollment/dry-run-assessment.entity';
import { EnrollmentSubscriptionEntity } from './enrollment/enrollment-subscription.entity';
import { EnrollmentEntity } from './enrollment/enrollment.entity';
import { IncidentControlEntity } from './incident-control/incident-control.entity';
import { PartnerTaskEntity } from './partner/partner-task.entity';
import { ProtectionCommandEntity } from './protection/protection-command.entity';

export const FRAUD_SCHEMA = 'fraud';

export function createFraudGuardDataSource(url: string, poolSize = 10) {
  return createServiceDataSource({
    url,
    schema: FRAUD_SCHEMA,
    entities: [
      EnrollmentEntity,
      EnrollmentSubscriptionEntity,
      DryRunAssessmentEntity,
      ProtectionCommandEntity,
      ActivationChallengeEntity,
      ActivationCodeEntity,
      PartnerTaskEntity,
      IncidentControlEntity,
    ],
    migrations: [`${__dirname}/migrations/*.ts`],
    poolSize,
    applicationName: 'fraud-guard',
  });
}

export default createFraudGuardDataSource(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp');
