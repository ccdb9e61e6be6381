// The DataSource the TypeORM CLI uses to generate and run the notifier's migrations.
import 'reflect-metadata';
import { createServiceDataSource } from '@bnp/persistence';
import { DeliveryEntity } from './dispatch/delivery.entity';
import { ProviderCallbackEntity } from './dispatch/provider-callback.entity';
import { SendBudgetEntity } from './dispatch/send-budget.entity';
import { ActivationChallengeEntity } from './notice/activation-challenge.entity';
import { EnrollmentEntity } from './notice/enrollment.entity';
import { IncidentEntity } from './notice/incident.entity';
import { NoticeEntity } from './notice/notice.entity';
import { NotificationLogEntity } from './notification-log/notification-log.entity';

export const NOTIFY_SCHEMA = 'notify';

export function createNotifierDataSource(url: string, poolSize = 10) {
  return createServiceDataSource({
    url,
    schema: NOTIFY_SCHEMA,
    entities: [
      NoticeEntity,
      DeliveryEntity,
      EnrollmentEntity,
      IncidentEntity,
      SendBudgetEntity,
      NotificationLogEntity,
      ActivationChallengeEntity,
      ProviderCallbackEntity,
    ],
    migrations: [`${__dirname}/migrations/*.ts`],
    poolSize,
    applicationName: 'notifier',
  });
}

export default createNotifierDataSource(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp');
