// The DataSource the TypeORM CLI uses to generate and run breach-intake's migrations.
import 'reflect-metadata';
import { createServiceDataSource } from '@bnp/persistence';
import { IncidentRevisionEntity } from './incident/incident-revision.entity';
import { IncidentEntity } from './incident/incident.entity';

export const INTAKE_SCHEMA = 'intake';

export function createIntakeDataSource(url: string, poolSize = 10) {
  return createServiceDataSource({
    url,
    schema: INTAKE_SCHEMA,
    entities: [IncidentEntity, IncidentRevisionEntity],
    migrations: [`${__dirname}/migrations/*.ts`],
    poolSize,
    applicationName: 'breach-intake',
  });
}

export default createIntakeDataSource(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp');
