import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { deadLetterTopic } from '@bnp/messaging';
import { createLogger } from '@bnp/observability';
import { KafkaTestClient, TEST_DATABASE_URL, startGroupAtEnd, testEnv } from '@bnp/testing';
import { CARE_FEED_TOPICS, createCareApp } from '../app';
import { loadCareConfig } from '../config';
import type { OwnersContract } from './care-fixtures';

export interface RunningCare {
  app: INestApplication;
  kafka: KafkaTestClient;
  db: Client;
  close(): Promise<void>;
}

/**
 * care-api as its specs run it: its own consumer group (started at the end of the feed topics), the owning
 * services' contract stand-in, the broker's dead letters and `collect` topics collected from the start.
 */
export async function startCare(owners: OwnersContract, group: string, collect: string[] = []): Promise<RunningCare> {
  const kafka = new KafkaTestClient();
  const config = loadCareConfig(
    testEnv({
      CARE_CONSUMER_GROUP: group,
      CARE_RETRY_DELAYS_MS: '300',
      EXPOSURE_URL: owners.url,
      NOTIFIER_URL: owners.url,
      FRAUD_GUARD_URL: owners.url,
    }),
  );
  await startGroupAtEnd(kafka.kafka, group, CARE_FEED_TOPICS);
  const { app } = await createCareApp(config, createLogger('care-api', config.LOG_LEVEL));
  await app.startAllMicroservices();
  await app.init();
  await kafka.collect([deadLetterTopic(group), ...collect]);
  const db = new Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  return {
    app,
    kafka,
    db,
    close: async () => {
      await app.close();
      await kafka.close();
      await db.end();
    },
  };
}
