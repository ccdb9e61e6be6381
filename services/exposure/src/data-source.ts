// The DataSource the TypeORM CLI uses to generate and run the exposure service's migrations.
import 'reflect-metadata';
import { createServiceDataSource } from '@bnp/persistence';
import { AssetEntity } from './directory/asset.entity';
import { HoldingEntity } from './directory/holding.entity';
import { PersonEntity } from './directory/person.entity';
import { ScopeListEntity, ScopeListEntryEntity } from './directory/scope-list.entity';
import { SubscriberEntity } from './directory/subscriber.entity';
import { InventoryVersionEntity } from './inventory/inventory-version.entity';
import { ExposureEventEntity } from './resolution/exposure-event.entity';
import {
  ExposureIncidentEntity,
  ExposureRevisionEntity,
  ReleaseApprovalEntity,
} from './resolution/exposure-revision.entity';
import { PersonExposureEntity } from './resolution/person-exposure.entity';
import { EXPOSURE_SCHEMA } from './schema';
import { ResolutionJobEntity } from './resolution/resolution-job.entity';

export const exposureEntities = [
  PersonEntity,
  SubscriberEntity,
  AssetEntity,
  HoldingEntity,
  ScopeListEntity,
  ScopeListEntryEntity,
  InventoryVersionEntity,
  ExposureRevisionEntity,
  ReleaseApprovalEntity,
  ExposureIncidentEntity,
  PersonExposureEntity,
  ExposureEventEntity,
  ResolutionJobEntity,
];

export function createExposureDataSource(url: string, poolSize = 10) {
  return createServiceDataSource({
    url,
    schema: EXPOSURE_SCHEMA,
    entities: exposureEntities,
    migrations: [`${__dirname}/migrations/*.ts`],
    poolSize,
    applicationName: 'exposure',
  });
}

export default createExposureDataSource(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp');
