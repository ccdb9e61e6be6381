// The DataSource the TypeORM CLI uses to generate and run regulator-api's migrations.
import 'reflect-metadata';
import { createServiceDataSource } from '@bnp/persistence';

export const REGULATOR_SCHEMA = 'regulator';

export function createRegulatorDataSource(url: string, poolSize = 10) {
  return createServiceDataSource({
    url,
    schema: REGULATOR_SCHEMA,
    entities: [],
    migrations: [`${__dirname}/migrations/*.ts`],
    poolSize,
    applicationName: 'regulator-api',
  });
}

export default createRegulatorDataSource(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp');
