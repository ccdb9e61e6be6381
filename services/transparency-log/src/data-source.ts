// The DataSource the TypeORM CLI uses to generate and run transparency-log's migrations.
import 'reflect-metadata';
import { createServiceDataSource } from '@bnp/persistence';
import { CheckpointEntity } from './checkpoint/checkpoint.entity';
import { LogEntryEntity } from './append/log-entry.entity';
import { LogStateEntity } from './append/log-state.entity';
import { TileEntity } from './tree/tile.entity';

export const TLOG_SCHEMA = 'tlog';

export function createTransparencyLogDataSource(url: string, poolSize = 10) {
  return createServiceDataSource({
    url,
    schema: TLOG_SCHEMA,
    entities: [LogStateEntity, LogEntryEntity, TileEntity, CheckpointEntity],
    migrations: [`${__dirname}/migrations/*.ts`],
    poolSize,
    applicationName: 'transparency-log',
  });
}

export default createTransparencyLogDataSource(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp');
