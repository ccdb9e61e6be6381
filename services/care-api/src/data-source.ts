// The DataSource the TypeORM CLI uses to run care-api's migrations. The read model is written with explicit,
// set-based SQL (feed/, person/), so no entity classes are registered.
import 'reflect-metadata';
import { createServiceDataSource } from '@bnp/persistence';

export const CARE_SCHEMA = 'care';

export function createCareDataSource(url: string, poolSize = 10) {
  return createServiceDataSource({
    url,
    schema: CARE_SCHEMA,
    entities: [],
    migrations: [`${__dirname}/migrations/*.ts`],
    poolSize,
    applicationName: 'care-api',
  });
}

export default createCareDataSource(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp');
